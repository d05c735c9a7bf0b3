package dev.palisade.cli;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import org.owasp.encoder.Encode;

import dev.palisade.forward.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The origin the demo puts behind the proxy: a small web application on a loopback port that shows what
 * reached it (method, path, the forwarding headers), so a user can see what Palisade sends on and what
 * it stops.
 */
final class DemoOrigin implements AutoCloseable {

    private final EventLoopGroup group = Transports.newGroup(1, "demo-origin");
    private final Channel channel;

    DemoOrigin() {
        channel = new ServerBootstrap().group(group).channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Page());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully();
    }

    private static final class Page extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Demo origin</title></head><body>")
                    .append("<h1>Hello from the demo origin</h1><p>This page came through Palisade.</p><table>")
                    .append(row("method", req.method().name()))
                    .append(row("uri", req.uri()))
                    .append(row("body bytes", Integer.toString(req.content().readableBytes())));
            for (String h : new String[] {"Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded",
                    "X-Request-Id", "User-Agent"}) {
                String v = req.headers().get(h);
                if (v != null) {
                    sb.append(row(h, v));
                }
            }
            sb.append("</table></body></html>\n");
            byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.SERVER, "demo-origin/1.0")
                    .set("X-Powered-By", "DemoFramework");
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!keepAlive) {
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(resp);
            }
        }

        private static String row(String k, String v) {
            return "<tr><th>" + Encode.forHtml(k) + "</th><td><code>" + Encode.forHtml(v) + "</code></td></tr>";
        }
    }
}
