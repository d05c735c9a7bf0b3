package dev.palisade.server;

import dev.palisade.pipeline.ErrorKind;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * On an HTTP/2 stream, between the frame-to-HTTP conversion and the proxy: removes the extension fields
 * the conversion adds (stream id, scheme, path), so an HTTP/2 request reaches the request stages and the
 * origin in the same shape as an HTTP/1.1 one, and refuses the paths and authorities the HTTP/1.1 decoder
 * refuses ({@link TargetPath}, {@link HeadRules#validHost}) and holds the stream's body to the same
 * {@code limits.max_body}. Netty's HTTP/2 codec has already refused
 * connection-specific fields, bad pseudo-headers and a body that disagrees with its content-length.
 */
final class Http2Requests extends ChannelInboundHandlerAdapter {

    private final long maxBody;
    private long body;
    private boolean refused;

    /** {@code maxBody}: request body bytes allowed on the stream, 0 for no limit (the HTTP/1.1 limit). */
    Http2Requests(long maxBody) {
        this.maxBody = maxBody;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpContent c && maxBody > 0) {
            body += c.content().readableBytes();
            if (body > maxBody) {
                refuse(ctx, msg, ErrorKind.BODY_TOO_LARGE, "HTTP/2 request body over the limit " + maxBody);
                return;
            }
        }
        if (msg instanceof HttpRequest req) {
            for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
                req.headers().remove(n.text());
            }
            String problem = TargetPath.problem(req.uri());
            String host = req.headers().get(HttpHeaderNames.HOST);
            if (problem == null && host != null && !HeadRules.validHost(host)) {
                problem = "invalid :authority";
            }
            if (problem != null) {
                refuse(ctx, msg, ErrorKind.BAD_REQUEST, problem);
                return;
            }
            if (maxBody > 0 && HttpUtil.getContentLength(req, -1L) > maxBody) {
                refuse(ctx, msg, ErrorKind.BODY_TOO_LARGE, "HTTP/2 content-length over the limit " + maxBody);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Refused like the same HTTP/1.1 request; the body frames that follow are dropped. */
    private void refuse(ChannelHandlerContext ctx, Object msg, ErrorKind kind, String detail) {
        refused = true;
        ReferenceCountUtil.release(msg);
        ctx.fireChannelRead(new DecodeFailure(kind, detail));
    }
}
