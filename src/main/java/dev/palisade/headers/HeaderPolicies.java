package dev.palisade.headers;

import java.util.ArrayList;
import java.util.List;

import dev.palisade.config.ForwardingConfig;
import dev.palisade.config.HeadersConfig;
import dev.palisade.pipeline.RequestStage;
import dev.palisade.pipeline.ResponseStage;
import dev.palisade.pipeline.UpstreamRequestStage;

/**
 * The header policy stages in the order they run, built from the config. The server calls these once
 * per config (startup and reload) and hands the lists to {@code ProxyFlow}. Per-request facts come from
 * attrs the server sets: {@link HopByHop#WEBSOCKET}, {@link OriginHost#HOST},
 * {@link OriginUrlRewrite#GROUP_HOSTS} and, when the client address came from a trusted proxy,
 * {@link ForwardingIdentity#PEER}.
 */
public final class HeaderPolicies {

    private HeaderPolicies() {
    }

    /** Phase 2, first: refuse TRACE, TRACK and the configured methods. */
    public static List<RequestStage> request(HeadersConfig h) {
        return List.of(new MethodPolicy(h.denyMethods()));
    }

    /**
     * Phase 4, in order: hop-by-hop removal (so Connection cannot nominate what follows), the operator's
     * stripped names, the Host toward the origin, then the forwarding identity and request id.
     */
    public static List<UpstreamRequestStage> upstream(HeadersConfig h, ForwardingConfig f) {
        List<UpstreamRequestStage> out = new ArrayList<>();
        out.add(new HopByHop());
        if (!h.stripRequest().isEmpty()) {
            out.add(new StripRequestHeaders(HeaderNameSet.of(h.stripRequest())));
        }
        out.add(new OriginHost());
        out.add(new ForwardingIdentity(h.clientIdentity(), f));
        return List.copyOf(out);
    }

    /**
     * Phase 5, in order: hop-by-hop removal, identifying headers hidden, origin URLs rewritten, security
     * headers added; and the error page replacement decision.
     */
    public static List<ResponseStage> response(HeadersConfig h) {
        List<ResponseStage> out = new ArrayList<>();
        out.add(new HopByHop());
        out.add(new HideOrigin(h.server(), h.hide(), h.reveal()));
        out.add(new OriginUrlRewrite(h.internalHosts()));
        if (SecurityHeaders.any(h.security())) {
            out.add(new SecurityHeaders(h.security()));
        }
        out.add(new ErrorPageReplacement(h.errorPages()));
        return List.copyOf(out);
    }
}
