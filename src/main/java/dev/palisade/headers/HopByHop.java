package dev.palisade.headers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.palisade.pipeline.Attrs;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.MutableHeaders;
import dev.palisade.pipeline.ResponseStage;
import dev.palisade.pipeline.UpstreamRequestStage;

/**
 * Removes hop-by-hop headers, which describe one connection and must not cross the proxy
 * (RFC 9110 section 7.6.1): Connection and every name it lists, Keep-Alive, TE, Trailer,
 * Transfer-Encoding, Upgrade, HTTP2-Settings (h2c upgrade), Proxy-Connection and the other Proxy-* fields.
 *
 * <p>Sits first in the upstream phase (before the forwarding headers are written, so a client cannot
 * use {@code Connection: X-Forwarded-For} to delete what Palisade adds) and first in the response phase.
 * Toward the origin the server re-frames the body, so Transfer-Encoding goes too. In responses
 * Transfer-Encoding and Content-Length are left for the server, which owns the framing toward the client.
 *
 * <p>A WebSocket upgrade survives when the server has marked it by putting {@link #WEBSOCKET} true:
 * {@code Upgrade: websocket} and {@code Connection: Upgrade} are then kept (set in canonical form).
 */
public final class HopByHop implements UpstreamRequestStage, ResponseStage {

    /** Set to true by the server when the request is a valid WebSocket upgrade it will pass through. */
    public static final Attrs.Key<Boolean> WEBSOCKET = Attrs.Key.of("websocket");

    /** Removed from every request toward the origin. */
    public static final HeaderNameSet REQUEST = HeaderNameSet.of("connection", "keep-alive", "te", "trailer",
            "transfer-encoding", "upgrade", "proxy-*", "http2-settings");

    /** Removed from every response toward the client; framing headers stay with the server. */
    public static final HeaderNameSet RESPONSE = HeaderNameSet.of("connection", "keep-alive", "trailer", "upgrade",
            "proxy-*");

    /**
     * Names a Connection header may not nominate: removing them would change the framing or the target
     * of the message rather than a connection option.
     */
    public static final HeaderNameSet PROTECTED = HeaderNameSet.of("host", "content-length", "content-type",
            "transfer-encoding");

    @Override
    public void onUpstreamRequest(Exchange ex, MutableHeaders headers) {
        boolean ws = Boolean.TRUE.equals(ex.attrs().get(WEBSOCKET));
        strip(headers, REQUEST);
        if (ws) {
            headers.set("Connection", "Upgrade");
            headers.set("Upgrade", "websocket");
        }
    }

    @Override
    public void onResponse(Exchange ex, int status, MutableHeaders headers) {
        boolean ws = status == 101 && Boolean.TRUE.equals(ex.attrs().get(WEBSOCKET));
        strip(headers, RESPONSE);
        if (ws) {
            headers.set("Connection", "Upgrade");
            headers.set("Upgrade", "websocket");
        }
    }

    /**
     * The request-side removal on its own, for the server's framing code: unlike a plain "remove what
     * Connection names", it never lets a client nominate Host, Content-Length, Content-Type or
     * Transfer-Encoding, so {@code Connection: Content-Length} cannot unframe a body toward the origin.
     */
    public static void stripRequest(MutableHeaders headers) {
        strip(headers, REQUEST);
    }

    /** The response-side removal on its own; framing headers stay. */
    public static void stripResponse(MutableHeaders headers) {
        strip(headers, RESPONSE);
    }

    private static void strip(MutableHeaders headers, HeaderNameSet always) {
        for (String name : nominated(headers.getAll("connection"))) {
            if (!PROTECTED.matches(name)) {
                headers.remove(name);
            }
        }
        always.removeFrom(headers);
    }

    /** The field names listed in Connection values ("close" and "keep-alive" included, harmlessly). */
    static List<String> nominated(List<String> connection) {
        if (connection.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String v : connection) {
            for (String t : v.split(",")) {
                String name = t.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty()) {
                    out.add(name);
                }
            }
        }
        return out;
    }
}
