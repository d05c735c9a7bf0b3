package dev.palisade.observe;

import java.util.List;
import java.util.function.Function;

import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.LogStage;
import dev.palisade.pipeline.Outcome;

/**
 * The logging phase's metrics: counts every finished request by listener, route, origin and status
 * class, observes its latency and bytes, and for a refusal by a request stage counts the rule (or the
 * rate-limit policy on a 429) and remembers the client address and request for the dashboard. Refusals
 * Palisade makes outside the stages (framing, routing, origin errors) are counted by cause.
 *
 * <p>Runs on the event loop: every lookup is a {@link LabelCells} read, and nothing allocates on a
 * forwarded request.
 */
public final class MetricsLogStage implements LogStage {

    private final Metrics m;
    private final Function<Exchange, List<SecurityEvent>> fromStages;

    public MetricsLogStage(Metrics metrics) {
        this(metrics, ex -> List.of());
    }

    /** Also counts the detections {@code fromStages} reads off an exchange (see {@link SecurityLog}). */
    public MetricsLogStage(Metrics metrics, Function<Exchange, List<SecurityEvent>> fromStages) {
        this.m = metrics;
        this.fromStages = fromStages;
    }

    @Override
    public void onComplete(Exchange ex, Outcome o) {
        String listener = ex.client().listener();
        String route = ex.route();
        int status = o.status();
        int cls = status / 100;
        m.requestCells.get(listener).get(route).get(o.origin())[cls >= 1 && cls <= 5 ? cls : 0].inc();
        m.durationCells.get(listener).get(route).observe(Math.max(0, o.durationNanos()) / 1e9);
        if (o.bytesIn() > 0) {
            m.bytesInCells.get(listener).inc(o.bytesIn());
        }
        if (o.bytesOut() > 0) {
            m.bytesOutCells.get(listener).inc(o.bytesOut());
        }
        List<SecurityEvent> events = SecurityLog.events(ex, fromStages);
        for (int i = 0; i < events.size(); i++) {
            String kind = events.get(i).kind();
            if (kind.equals("detect") || kind.equals("log") || kind.equals("score")) {
                m.detection(events.get(i).rule());
            }
        }
        String decided = o.decidedBy();
        if (decided.isEmpty()) {
            return;
        }
        if (SecurityLog.refusedByStage(ex, o)) {
            if (status == 429) {
                m.rateLimitedCells.get(decided).inc();
            } else {
                m.blockedCells.get(decided).inc();
            }
            String client = ex.client().ip();
            m.topBlocked().add(client);
            m.recentBlocks().add(System.currentTimeMillis(), client, decided, status, ex.request().method(),
                    ex.request().host(), ex.request().path());
        } else if (!decided.equals("client") && status >= 400) {
            // a 3xx decided here (the HTTPS redirect) is an answer, not a refusal
            m.refusedCells.get(decided).inc();
        }
    }
}
