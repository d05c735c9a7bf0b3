package dev.palisade.server;

import java.nio.charset.StandardCharsets;

import java.util.function.Consumer;

import dev.palisade.headers.ErrorPages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The one place where a refusal becomes bytes on the wire: a short page with the status and the request
 * id, nothing else. The reason stays in the log. Every caller that answers a client with Palisade's own
 * page (a verdict, a decode failure, an origin failure, a replaced origin error page) comes here.
 */
final class Rejections {

    /** Renders the page body; swapped for the header policy's templates when they are configured. */
    interface PageRenderer {
        String render(int status, String requestId);
    }

    private Rejections() {
    }

    /**
     * Writes the page for {@code status} and flushes. {@code keepAlive} false adds Connection: close; the
     * caller closes the channel when the write completes. For a HEAD request no body is written.
     * {@code responseStages} runs the response phase over the page's headers (security headers).
     */
    static ChannelFuture write(ChannelHandlerContext ctx, ClientSide side, int status, String requestId,
                               boolean keepAlive, boolean head, PageRenderer renderer, String serverHeader,
                               long retryAfterSeconds, Consumer<HttpHeaders> responseStages) {
        byte[] page = renderer.render(status, requestId == null ? "" : requestId).getBytes(StandardCharsets.UTF_8);
        ByteBuf body = head ? ByteBufAllocator.DEFAULT.buffer(0) : ctx.alloc().buffer(page.length).writeBytes(page);
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
        HttpHeaders h = resp.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, ErrorPages.CONTENT_TYPE);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, page.length);
        h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        if (requestId != null) {
            h.set("X-Request-Id", requestId);
        }
        if (serverHeader != null && !serverHeader.isEmpty()) {
            h.set(HttpHeaderNames.SERVER, serverHeader);
        }
        if (retryAfterSeconds > 0) {
            h.set(HttpHeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        responseStages.accept(h);
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        side.answeringHead(head);
        return ctx.writeAndFlush(resp);
    }
}
