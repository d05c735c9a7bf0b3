package dev.palisade.guard;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;

import dev.palisade.guard.client.ClientAddress;
import dev.palisade.guard.client.ProxyProtocolHandler;
import dev.palisade.guard.flood.AcceptFilter;
import dev.palisade.guard.flood.GateHandler;
import dev.palisade.pipeline.ConnectionGate;
import dev.palisade.testing.Eventually;

/**
 * A small real server on 127.0.0.1, port 0, wired as the proxy's listeners are: the accept filter on the
 * listening channel (not with the PROXY protocol), the gate handler first in each connection (after the
 * PROXY protocol handler when asked), and for admitted connections a handler that answers
 * {@code OK <client address>\n}.
 */
public final class GuardServer implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicInteger pipelines = new AtomicInteger();

    @ChannelHandler.Sharable
    private static final class Hello extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            InetSocketAddress client = ClientAddress.of(ctx.channel());
            String line = "OK " + client.getAddress().getHostAddress() + "\n";
            ctx.writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    public GuardServer(ConnectionGate gate, boolean proxyProtocol) throws InterruptedException {
        GateHandler gateHandler = new GateHandler(gate, new Hello());
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .handler(new AcceptFilter(proxyProtocol ? () -> ConnectionGate.OPEN : () -> gate))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipelines.incrementAndGet();
                        if (proxyProtocol) {
                            ch.pipeline().addLast(new ProxyProtocolHandler(Duration.ofSeconds(5), null));
                        }
                        ch.pipeline().addLast(gateHandler);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    /** Connections that got as far as a pipeline of their own (the accept filter did not reset them). */
    public int pipelines() {
        return pipelines.get();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Polls {@code condition} up to about 10 s; for state that settles after a close on the server. */
    public static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        return Eventually.within(Duration.ofSeconds(10), condition);
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
