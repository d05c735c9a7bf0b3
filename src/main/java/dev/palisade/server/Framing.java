package dev.palisade.server;

import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Connection-level fields (RFC 9110 7.6.1) belong to one hop and never cross the proxy: they are
 * removed from every forwarded request and response before the proxy sets its own framing.
 */
final class Framing {

    private static final List<String> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-connection", "te",
            "trailer", "transfer-encoding", "upgrade");

    private Framing() {
    }

    /** Removes the hop-by-hop fields and every field the Connection header names. */
    static void stripHopByHop(HttpHeaders h) {
        for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String name : value.split(",")) {
                String n = name.trim();
                if (!n.isEmpty()) {
                    h.remove(n);
                }
            }
        }
        for (int i = 0; i < HOP_BY_HOP.size(); i++) {
            h.remove(HOP_BY_HOP.get(i));
        }
    }

    /** Whether {@code h} asks for a WebSocket upgrade in the RFC 6455 form. */
    static boolean isWebSocketUpgrade(String method, HttpHeaders h) {
        return method.equals("GET")
                && h.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true)
                && "websocket".equalsIgnoreCase(h.get(HttpHeaderNames.UPGRADE))
                && h.getAll(HttpHeaderNames.UPGRADE).size() == 1
                && h.contains("sec-websocket-key")
                && "13".equals(h.get("sec-websocket-version"));
    }
}
