package dev.palisade.forward;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Receives what one origin connection produces while it serves one request. All calls happen on the
 * event loop the client connection and the origin connection share.
 */
public interface OriginListener {

    /** The response head; 1xx interim heads are filtered out before this, except 101. */
    void onResponseHead(HttpResponse head);

    /** A piece of the body; the listener owns the reference. */
    void onResponseContent(HttpContent content);

    /** Raw bytes after a 101 answer (a tunnel); the listener owns the reference. */
    void onTunnelBytes(ByteBuf bytes);

    /** The origin connection closed or failed; {@code cause} is null for a plain close. */
    void onOriginClosed(Throwable cause);

    /** The origin connection's writability changed (for request-body back-pressure). */
    void onOriginWritability(boolean writable);
}
