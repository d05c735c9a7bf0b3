package dev.palisade.guard.slow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import dev.palisade.guard.GuardServer;
import dev.palisade.testing.RawClient;

/** The slow-client handlers on real sockets, with the shortest timers the config allows. */
class SlowSocketTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final SlowClientStats stats = new SlowClientStats();
    private final Queue<Object> events = new ConcurrentLinkedQueue<>();
    private Channel server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private InetSocketAddress start(ChannelInitializer<SocketChannel> init) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class).childHandler(init)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    /** Answers "done\n" when a request body is complete; records slow-client events. */
    @ChannelHandler.Sharable
    private final class Upload extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (last) {
                ctx.writeAndFlush(Unpooled.copiedBuffer("done\n", StandardCharsets.US_ASCII));
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }

    private InetSocketAddress uploadServer() throws InterruptedException {
        Upload upload = new Upload();
        return start(new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpRequestDecoder(), new BodyRateHandler(1000, Duration.ofSeconds(1),
                        Duration.ofSeconds(2), stats), upload);
            }
        });
    }

    /** A client with a read timeout longer than the body-rate grace, so the server's cut comes first. */
    private static Socket uploader(InetSocketAddress addr) throws java.io.IOException {
        Socket s = new Socket();
        try {
            s.setSoTimeout(20_000);
            s.connect(addr, 5000);
            return s;
        } catch (java.io.IOException e) {
            s.close();
            throw e;
        }
    }

    @Test
    @Timeout(30)
    void stalledUploadIsCut() throws Exception {
        InetSocketAddress addr = uploadServer();
        try (Socket s = uploader(addr)) {
            s.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(10))
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            assertEquals(null, RawClient.readLine(s), "closed without finishing the upload");
        }
        assertTrue(GuardServer.eventually(() -> stats.bodyTooSlow() == 1));
        assertEquals(SlowClientEvent.BODY_TOO_SLOW, events.peek());
    }

    @Test
    @Timeout(30)
    void uploadAtAGoodRatePasses() throws Exception {
        InetSocketAddress addr = uploadServer();
        try (Socket s = uploader(addr)) {
            s.getOutputStream().write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 20; i++) {
                s.getOutputStream().write(new byte[10_000]);
                s.getOutputStream().flush();
                Thread.sleep(50);
            }
            assertEquals("done", RawClient.readLine(s));
        }
        assertEquals(0, stats.bodyTooSlow());
    }

    @Test
    @Timeout(30)
    void clientThatDoesNotReadIsReset() throws Exception {
        InetSocketAddress addr = start(new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(16 * 1024, 64 * 1024));
                ch.config().setOption(ChannelOption.SO_SNDBUF, 16 * 1024);
                ch.pipeline().addLast(new SlowReaderHandler(Duration.ofSeconds(1), stats), new ChannelInboundHandlerAdapter() {
                    // A download the client never reads: write while the channel takes more.
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        fill(ctx);
                    }

                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                        fill(ctx);
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        events.add(evt);
                    }

                    private void fill(ChannelHandlerContext ctx) {
                        for (int i = 0; i < 1000 && ctx.channel().isWritable(); i++) {
                            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[8192]));
                        }
                    }
                });
            }
        });
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(addr, 5000);
            assertTrue(GuardServer.eventually(() -> stats.slowReaders() == 1), "reset after the write timeout");
        }
        assertEquals(SlowClientEvent.SLOW_READER, events.peek());
    }
}
