package dev.palisade.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * On an HTTP/2 stream, between the frame-to-HTTP conversion and the proxy: removes the extension fields
 * the conversion adds (stream id, scheme, path), so an HTTP/2 request reaches the request stages and the
 * origin in the same shape as an HTTP/1.1 one. Netty's HTTP/2 codec has already refused connection-specific
 * fields, bad pseudo-headers and a body that disagrees with its content-length.
 */
final class Http2Requests extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
                req.headers().remove(n.text());
            }
        }
        ctx.fireChannelRead(msg);
    }
}
