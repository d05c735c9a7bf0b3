package dev.palisade.testing;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.palisade.config.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

/**
 * A real origin server for full-stack tests, on a loopback port. It records every request it gets (head,
 * body length and SHA-256) and counts connections, and answers by path:
 * <ul>
 *   <li>{@code /big?n=N}: N bytes, chunked, written with back-pressure</li>
 *   <li>{@code /slow}: never answers; {@code /delay?ms=N}: answers after N ms</li>
 *   <li>{@code /close}: closes the connection without answering</li>
 *   <li>{@code /status/N}: status N with an origin-made page naming the origin</li>
 *   <li>{@code /redirect}: 302 to the origin's own address</li>
 *   <li>a WebSocket upgrade: 101, then echoes every byte</li>
 *   <li>anything else: 200 "ok &lt;uri&gt;" with Content-Length</li>
 * </ul>
 */
public final class TestOrigin implements AutoCloseable {

    /** What the origin received for one request. */
    public record Received(String method, String uri, HttpHeaders headers, long bodyBytes, String bodySha256) {}

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final String name;

    public TestOrigin(String name) {
        this(name, null);
    }

    /** An origin that speaks TLS with {@code tls} (a server context), or plain HTTP when it is null. */
    public TestOrigin(String name, SslContext tls) {
        this.name = name;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("codec", new HttpServerCodec(8192, 65536, 65536)).addLast("app", new App());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    public TestOrigin() {
        this("origin");
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public HostPort hostPort() {
        return new HostPort("127.0.0.1", port());
    }

    public List<Received> received() {
        return received;
    }

    public int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class App extends ChannelInboundHandlerAdapter {
        private HttpRequest req;
        private MessageDigest sha;
        private long bytes;
        private boolean tunnel;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (tunnel) {
                ctx.writeAndFlush(msg);
                return;
            }
            try {
                if (msg instanceof HttpRequest r) {
                    req = r;
                    sha = MessageDigest.getInstance("SHA-256");
                    bytes = 0;
                    if (r.uri().startsWith("/slow-body")) {
                        // answers at once, before reading the body
                        respond(ctx, 200, "early");
                    }
                }
                if (msg instanceof HttpContent c) {
                    bytes += c.content().readableBytes();
                    sha.update(c.content().nioBuffer());
                    if (msg instanceof LastHttpContent) {
                        received.add(new Received(req.method().name(), req.uri(), req.headers(), bytes,
                                HexFormat.of().formatHex(sha.digest())));
                        answer(ctx, req);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void answer(ChannelHandlerContext ctx, HttpRequest r) {
            String path = new QueryStringDecoder(r.uri()).path();
            if ("websocket".equalsIgnoreCase(r.headers().get(HttpHeaderNames.UPGRADE))) {
                FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
                resp.headers().set(HttpHeaderNames.UPGRADE, "websocket").set(HttpHeaderNames.CONNECTION, "Upgrade")
                        .set("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
                ctx.writeAndFlush(resp);
                ctx.pipeline().remove("codec");
                tunnel = true;
                return;
            }
            if (path.startsWith("/slow-body")) {
                return;
            }
            switch (path) {
                case "/delay": {
                    long ms = Long.parseLong(new QueryStringDecoder(r.uri()).parameters().get("ms").get(0));
                    ctx.executor().schedule(() -> respond(ctx, 200, "late " + r.uri()), ms,
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                    return;
                }
                case "/slow":
                    return;
                case "/close":
                    ctx.close();
                    return;
                case "/big":
                    streamBig(ctx, Long.parseLong(new QueryStringDecoder(r.uri()).parameters().get("n").get(0)));
                    return;
                case "/redirect": {
                    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND);
                    resp.headers().set(HttpHeaderNames.LOCATION, "http://127.0.0.1:" + port() + "/landing")
                            .set(HttpHeaderNames.CONTENT_LENGTH, 0);
                    ctx.writeAndFlush(resp);
                    return;
                }
                default:
            }
            if (path.startsWith("/status/")) {
                int code = Integer.parseInt(path.substring("/status/".length()));
                respond(ctx, code, "origin " + name + " at 127.0.0.1:" + port() + " failed: stack trace here");
                return;
            }
            respond(ctx, 200, "ok " + r.uri());
        }

        private void respond(ChannelHandlerContext ctx, int code, String text) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code),
                    Unpooled.wrappedBuffer(b));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, b.length)
                    .set(HttpHeaderNames.SERVER, "test-origin/" + name).set("X-Origin", name)
                    .set("X-Powered-By", "TestFramework/1.0");
            if (req != null && !HttpUtil.isKeepAlive(req)) {
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(resp);
            }
        }

        private void streamBig(ChannelHandlerContext ctx, long n) {
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.write(head);
            new Object() {
                long left = n;

                void pump() {
                    while (left > 0 && ctx.channel().isWritable()) {
                        int len = (int) Math.min(65536, left);
                        byte[] bytes = new byte[len];
                        for (int i = 0; i < len; i++) {
                            bytes[i] = (byte) ((n - left + i) & 0x7f);
                        }
                        ByteBuf buf = ctx.alloc().buffer(len).writeBytes(bytes);
                        left -= len;
                        ctx.writeAndFlush(new DefaultHttpContent(buf));
                    }
                    if (left == 0) {
                        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                    } else {
                        ctx.channel().eventLoop().schedule(this::pump, 1, java.util.concurrent.TimeUnit.MILLISECONDS);
                    }
                }
            }.pump();
        }
    }
}
