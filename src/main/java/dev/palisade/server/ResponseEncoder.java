package dev.palisade.server;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Writes responses to the client. Knows when the response answers a HEAD request, so a head that
 * declares {@code Transfer-Encoding: chunked} or a length is written without any body framing.
 * Sits right after TLS, beside {@link StrictRequestDecoder}.
 */
final class ResponseEncoder extends HttpResponseEncoder {

    private boolean headRequest;

    /** Set before each response head is written. */
    void answeringHead(boolean head) {
        this.headRequest = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        return headRequest || super.isContentAlwaysEmpty(msg);
    }
}
