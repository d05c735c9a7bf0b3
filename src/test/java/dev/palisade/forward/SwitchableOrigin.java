package dev.palisade.forward;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.palisade.config.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * An origin for health-check and failover tests that can be killed (listening socket and connections
 * closed) and started again on the same port, answer a chosen status with "ok", or hang without answering.
 * Keeps connections alive unless the request asks to close.
 */
final class SwitchableOrigin implements AutoCloseable {

    /** The status every request gets; 0 means accept and never answer. */
    final AtomicInteger status = new AtomicInteger(200);
    final AtomicInteger requests = new AtomicInteger();
    /** Requests that came through the proxy (they carry X-Request-Id), health checks excluded. */
    final AtomicInteger proxied = new AtomicInteger();

    private static final byte[] OK = "ok".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final int port;
    private volatile Channel server;

    SwitchableOrigin() {
        server = bind(0);
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    HostPort hostPort() {
        return new HostPort("127.0.0.1", port);
    }

    /** Closes the listening socket and every connection: connects are refused from now on. */
    void kill() {
        server.close().syncUninterruptibly();
        children.close().syncUninterruptibly();
    }

    /** Listens again on the same port. */
    void revive() {
        server = bind(port);
    }

    private Channel bind(int p) {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        children.add(ch);
                        ch.pipeline().addLast(new HttpServerCodec()).addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                try {
                                    if (msg instanceof HttpRequest req) {
                                        requests.incrementAndGet();
                                        if (req.headers().contains("X-Request-Id")) {
                                            proxied.incrementAndGet();
                                        }
                                        int s = status.get();
                                        if (s > 0) {
                                            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                    HttpResponseStatus.valueOf(s), Unpooled.wrappedBuffer(OK));
                                            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, OK.length);
                                            if (HttpUtil.isKeepAlive(req)) {
                                                ctx.writeAndFlush(r);
                                            } else {
                                                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
                                            }
                                        }
                                    }
                                } finally {
                                    ReferenceCountUtil.release(msg);
                                }
                            }
                        });
                    }
                })
                .bind("127.0.0.1", p).syncUninterruptibly().channel();
    }

    @Override
    public void close() {
        kill();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
