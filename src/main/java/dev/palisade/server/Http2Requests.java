package dev.palisade.server;

import dev.palisade.pipeline.ErrorKind;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * On an HTTP/2 stream, between the frame-to-HTTP conversion and the proxy: removes the extension fields
 * the conversion adds (stream id, scheme, path), so an HTTP/2 request reaches the request stages and the
 * origin in the same shape as an HTTP/1.1 one, and refuses the paths and authorities the HTTP/1.1 decoder
 * refuses ({@link TargetPath}, {@link HeadRules#validHost}). Netty's HTTP/2 codec has already refused
 * connection-specific fields, bad pseudo-headers and a body that disagrees with its content-length.
 */
final class Http2Requests extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
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
                // refused like an HTTP/1.1 request with the same path or host; the body frames that follow are dropped
                ReferenceCountUtil.release(msg);
                ctx.fireChannelRead(new DecodeFailure(ErrorKind.BAD_REQUEST, problem));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
