package dev.palisade.server;

import java.nio.charset.StandardCharsets;

import org.owasp.encoder.Encode;

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

    static final PageRenderer DEFAULT_PAGE = (status, requestId) -> {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        String title = status + " " + Encode.forHtml(s.reasonPhrase());
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n"
                + "<body><h1>" + title + "</h1>\n<p>Request id: <code>" + Encode.forHtml(requestId) + "</code></p>\n"
                + "</body></html>\n";
    };

    private Rejections() {
    }

    /**
     * Writes the page for {@code status} and flushes. {@code keepAlive} false adds Connection: close; the
     * caller closes the channel when the write completes. For a HEAD request no body is written.
     */
    static ChannelFuture write(ChannelHandlerContext ctx, ResponseEncoder encoder, int status, String requestId,
                               boolean keepAlive, boolean head, PageRenderer renderer, String serverHeader,
                               long retryAfterSeconds) {
        byte[] page = renderer.render(status, requestId == null ? "" : requestId).getBytes(StandardCharsets.UTF_8);
        ByteBuf body = head ? ByteBufAllocator.DEFAULT.buffer(0) : ctx.alloc().buffer(page.length).writeBytes(page);
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
        HttpHeaders h = resp.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
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
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (encoder != null) {
            encoder.answeringHead(head);
        }
        return ctx.writeAndFlush(resp);
    }
}
