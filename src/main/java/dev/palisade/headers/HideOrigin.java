package dev.palisade.headers;

import java.util.Collection;
import java.util.Locale;

import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.MutableHeaders;
import dev.palisade.pipeline.ResponseStage;

/**
 * Removes response headers that name the origin's software, version, host or internal topology, and
 * replaces Server with the configured value (or omits it). Runs in the response phase after
 * {@link HopByHop}. Names match ignoring case; families match by prefix, which is the safe default
 * branch: a new {@code X-Backend-Whatever} is hidden without a code change. Alt-Svc goes too: it
 * advertises the origin's own protocols and ports, which the client would then try on the public host.
 */
public final class HideOrigin implements ResponseStage {

    /** Hidden unless the operator lists the exact name under {@code headers.reveal}. */
    public static final HeaderNameSet DEFAULT = HeaderNameSet.of(
            "server", "x-powered-by", "x-aspnet*", "x-generator", "x-runtime", "x-version", "x-backend*",
            "x-served-by", "x-upstream*", "via", "x-varnish", "x-cache-hits", "x-cache-lookup", "x-drupal-*",
            "x-debug-*", "x-server*", "x-hostname", "x-node", "x-instance*", "x-application-context",
            "x-envoy-*", "x-kong-*", "x-litespeed-*", "x-turbo-charged-by", "x-mod-pagespeed", "x-page-speed",
            "x-sourcefiles", "x-pingback", "x-redirect-by", "x-content-powered-by", "x-owa-version",
            "x-oracle-dms-*", "x-amz-*", "x-real-server", "server-timing", "liferay-portal", "x-php-*",
            "x-rack-cache", "x-request-handler", "x-b3-*", "alt-svc");

    private final HeaderNameSet hidden;
    private final String server;
    private final boolean revealServer;

    /**
     * @param server the Server value to send; empty omits Server
     * @param hide   names added to {@link #DEFAULT}
     * @param reveal exact names of {@link #DEFAULT} let through
     */
    public HideOrigin(String server, Collection<String> hide, Collection<String> reveal) {
        this.hidden = DEFAULT.with(hide, reveal);
        this.server = server;
        this.revealServer = reveal.stream().anyMatch(r -> r.toLowerCase(Locale.ROOT).equals("server"));
    }

    @Override
    public void onResponse(Exchange ex, int status, MutableHeaders headers) {
        hidden.removeFrom(headers);
        if (revealServer) {
            return;
        }
        headers.remove("server");
        if (!server.isEmpty()) {
            headers.set("Server", server);
        }
    }
}
