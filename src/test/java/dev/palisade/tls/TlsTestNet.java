package dev.palisade.tls;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSession;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * A tiny TLS server and client on 127.0.0.1 for handshake tests. The server uses the terminator's
 * handler; once the handshake is done it writes one line of {@link TlsFacts}
 * ("version|sni|alpn|clientSubject[|clientFingerprint]\n") and then echoes what it reads.
 */
final class TlsTestNet implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    /** Starts a server for {@code terminator}; returns its port. */
    int serve(TlsTerminator terminator) throws InterruptedException {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(terminator.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new FactsAndEcho());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    /** What the client saw. */
    record Result(Channel channel, X509Certificate peer, String protocol, String alpn, String cipher, String serverLine) {
        String san() {
            return String.join(",", CertNames.dnsNames(peer));
        }
    }

    /**
     * Connects with {@code ctx}; {@code sni} null sends no SNI. Waits for the handshake and the server's line.
     * Throws ExecutionException when the handshake fails. The caller closes {@link Result#channel()}.
     */
    Result connect(int port, SslContext ctx, String sni) throws Exception {
        LineReader reader = new LineReader();
        java.util.concurrent.atomic.AtomicReference<SslHandler> handler = new java.util.concurrent.atomic.AtomicReference<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        SslHandler h = sni == null ? ctx.newHandler(c.alloc()) : ctx.newHandler(c.alloc(), sni, port);
                        handler.set(h);
                        c.pipeline().addLast(h, reader);
                    }
                })
                .connect("127.0.0.1", port).sync().channel();
        SslHandler h = handler.get();
        try {
            h.handshakeFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            ch.close().sync();
            throw e;
        }
        SSLSession s = h.engine().getSession();
        X509Certificate peer = (X509Certificate) s.getPeerCertificates()[0];
        String line = reader.next();
        return new Result(ch, peer, s.getProtocol(), h.applicationProtocol(), s.getCipherSuite(), line);
    }

    /** Sends a line on an open connection and waits for its echo. */
    static String echo(Result r, String text) throws Exception {
        LineReader reader = r.channel().pipeline().get(LineReader.class);
        r.channel().writeAndFlush(Unpooled.copiedBuffer(text + "\n", StandardCharsets.US_ASCII)).sync();
        return reader.next();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class FactsAndEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                Channel ch = ctx.channel();
                String line = String.join("|", List.of(TlsFacts.version(ch), TlsFacts.sni(ch),
                        TlsFacts.applicationProtocol(ch), TlsFacts.clientSubject(ch)))
                        + (TlsFacts.clientFingerprint(ch).isEmpty() ? "" : "|" + TlsFacts.clientFingerprint(ch)) + "\n";
                ctx.writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Collects lines the server sends, one future per line. */
    static final class LineReader extends ChannelInboundHandlerAdapter {
        private final StringBuilder buf = new StringBuilder();
        private final java.util.concurrent.LinkedBlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private static final String CLOSED = new String("closed by the server");

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                buf.append(b.toString(StandardCharsets.US_ASCII));
            } finally {
                b.release();
            }
            int nl;
            while ((nl = buf.indexOf("\n")) >= 0) {
                lines.add(buf.substring(0, nl));
                buf.delete(0, nl + 1);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(null);
            lines.add(CLOSED);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        String next() throws InterruptedException {
            String l = lines.poll(10, TimeUnit.SECONDS);
            if (l == null) {
                throw new IllegalStateException("no line from the server within 10s");
            }
            if (l == CLOSED) {
                lines.add(CLOSED);
                throw new IllegalStateException("the server closed the connection");
            }
            return l;
        }
    }
}
