package dev.palisade.server;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import dev.palisade.guard.Guard;
import dev.palisade.guard.flood.FloodGate;
import dev.palisade.observe.Metrics;
import dev.palisade.tls.TlsCounters;
import dev.palisade.tls.TlsTerminator;

/**
 * Copies the counters the guard and the TLS terminators keep on their own hot paths into the metrics,
 * as increments since the last look. Runs once a second off the request path; guard and TLS stay free of
 * the metrics library. A counter that went down (a new gate after a reload) starts a new baseline.
 */
final class CounterExport {

    private final Map<String, Long> last = new HashMap<>();

    void run(EdgeComponents components) {
        Metrics m = Metrics.global();
        Guard guard = components.guard();
        if (guard != null) {
            FloodGate gate = guard.floodGate();
            for (FloodGate.Refusal r : FloodGate.Refusal.values()) {
                String reason = r.name().toLowerCase(Locale.ROOT);
                m.gateRejected(reason, delta("gate." + reason, gate.refused(r)));
            }
        }
        for (Map.Entry<String, TlsTerminator> e : components.terminators().entrySet()) {
            String l = e.getKey();
            TlsCounters c = e.getValue().counters();
            m.tlsHandshakes(l, "all", delta("tls." + l + ".ok", c.handshakes()));
            long notTls = c.notTls();
            long sni = c.sniRefused();
            long timeout = c.timedOut();
            m.tlsHandshakesFailed(l, "not_tls", delta("tls." + l + ".not_tls", notTls));
            m.tlsHandshakesFailed(l, "sni_refused", delta("tls." + l + ".sni", sni));
            m.tlsHandshakesFailed(l, "timeout", delta("tls." + l + ".timeout", timeout));
            m.tlsHandshakesFailed(l, "other", delta("tls." + l + ".other", Math.max(0, c.failed() - notTls - sni - timeout)));
            m.tlsOcspFetches(l, "ok", delta("tls." + l + ".ocsp_ok", c.ocspFetched()));
            m.tlsOcspFetches(l, "failed", delta("tls." + l + ".ocsp_failed", c.ocspFailed()));
        }
    }

    private long delta(String key, long now) {
        Long before = last.put(key, now);
        return before == null || now < before ? now : now - before;
    }
}
