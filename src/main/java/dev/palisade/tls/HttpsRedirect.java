package dev.palisade.tls;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToIntFunction;

import dev.palisade.config.ListenerConfig;
import dev.palisade.pipeline.Attrs;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.RequestHead;
import dev.palisade.pipeline.RequestStage;
import dev.palisade.pipeline.Verdict;

/**
 * Plain HTTP sent to HTTPS, as nginx's {@code return 308 https://$host$request_uri}: on a listener with
 * {@code https_redirect}, every request is answered with 308 and {@code Location: https://HOST[:PORT]/path?query}
 * (308 keeps the method and body, unlike 301). The host never comes from the request unchecked, so
 * Palisade cannot be made to redirect to a host of an attacker's choosing: it is the configured public name,
 * or the request's Host when a certificate of the target TLS listener covers it (wildcards included);
 * any other Host gets 400. Runs after the rate limits and before the rules (nothing is forwarded).
 */
public final class HttpsRedirect implements RequestStage {

    /** The Location the server writes on the 308. */
    public static final Attrs.Key<String> LOCATION = Attrs.Key.of("httpsRedirect");

    private record Target(ListenerConfig.HttpsRedirect settings, String tlsListener, TlsTerminator certificates) {}

    private final Map<String, Target> byListener;
    private final ToIntFunction<String> boundPort;

    private HttpsRedirect(Map<String, Target> byListener, ToIntFunction<String> boundPort) {
        this.byListener = byListener;
        this.boundPort = boundPort;
    }

    /**
     * The stage for every plain listener with {@code https_redirect}, or none.
     *
     * @param terminators the TLS listeners' terminators by listener name (their certificates say which hosts are ours)
     * @param boundPort   the port a listener is bound to, asked per redirect (listeners bind after the stages are built)
     */
    public static List<RequestStage> stages(List<ListenerConfig> listeners, Map<String, TlsTerminator> terminators,
                                            ToIntFunction<String> boundPort) {
        Map<String, Target> targets = new HashMap<>();
        for (ListenerConfig l : listeners) {
            ListenerConfig.HttpsRedirect r = l.httpsRedirect();
            if (r == null) {
                continue;
            }
            for (ListenerConfig to : listeners) {
                if (to.secure() && (r.listener().isEmpty() || r.listener().equals(to.name()))) {
                    targets.put(l.name(), new Target(r, to.name(), terminators.get(to.name())));
                    break;
                }
            }
        }
        return targets.isEmpty() ? List.of() : List.of(new HttpsRedirect(Map.copyOf(targets), boundPort));
    }

    @Override
    public Verdict onRequest(Exchange ex) {
        Target t = byListener.get(ex.client().listener());
        if (t == null) {
            return Verdict.CONTINUE;
        }
        String host = t.settings().host();
        if (host.isEmpty()) {
            host = hostName(ex.request().host());
            if (host == null || t.certificates() == null || !t.certificates().covers(host)) {
                return new Verdict.Respond(400, "https redirect: the Host is not a name the certificates of listener '"
                        + t.tlsListener() + "' cover (set https_redirect.host for a fixed public name)", "https-redirect");
            }
        }
        int port = t.settings().port() != 0 ? t.settings().port() : boundPort.applyAsInt(t.tlsListener());
        String location = "https://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                + (port == 443 ? "" : ":" + port) + pathAndQuery(ex.request());
        ex.attrs().put(LOCATION, location);
        return new Verdict.Respond(308, "plain HTTP redirected to HTTPS", "https-redirect");
    }

    /** The path and query as sent, never anything that could change the Location's authority. */
    static String pathAndQuery(RequestHead req) {
        String target = req.target();
        if (target.startsWith("/")) {
            int hash = target.indexOf('#');
            return hash < 0 ? target : target.substring(0, hash);
        }
        // absolute form (the host it names is ignored) or '*'
        String path = req.path().startsWith("/") ? req.path() : "/";
        return req.query().isEmpty() ? path : path + "?" + req.query();
    }

    /**
     * The host of a Host header without its port, lowercase, without a trailing dot; null when it is not a
     * DNS name or an IP literal.
     */
    static String hostName(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return null;
            }
            String rest = h.substring(end + 1);
            if (!rest.isEmpty() && !rest.matches(":[0-9]{1,5}")) {
                return null;
            }
            String v6 = h.substring(1, end);
            return v6.matches("[0-9a-f:.]+") ? v6 : null;
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            if (!h.substring(colon).matches(":[0-9]{1,5}")) {
                return null;
            }
            h = h.substring(0, colon);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty() || h.length() > 253) {
            return null;
        }
        for (String label : h.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")
                    || !label.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return null;
            }
        }
        return h;
    }
}
