package dev.palisade.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Protocol facts the proxy decides itself rather than through the header policy: whether a request is a
 * well-formed WebSocket upgrade (RFC 6455 4.1) that may open a tunnel.
 */
final class Framing {

    private Framing() {
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
