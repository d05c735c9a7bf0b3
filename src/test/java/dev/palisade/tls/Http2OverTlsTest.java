package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.palisade.config.TlsConfig;
import dev.palisade.config.TlsConfig.Provider;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
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
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;

/**
 * ALPN h2 end to end: the terminator's handler, then (as the server will do) the {@link Http2Limits} codec
 * once ALPN says h2. A stream channel reads the TLS facts of its parent connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Http2OverTlsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Provider.class, names = {"OPENSSL", "JDK"})
    void h2RequestOverTlsSeesTheConnectionsTlsFacts(Provider p) throws Exception {
        if (p == Provider.OPENSSL) {
            assumeTrue(TlsProviders.openSslProblem() == null, "OpenSSL is not usable here");
        }
        TestPki.serve(dir, TestPki.ca("H2 CA"), TestPki.KeyType.EC, "h2.example");
        TlsTerminator tls = TlsTerminator.create("h2", TlsConfig.builder(dir).provider(p).build());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                            ch.pipeline().addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                                @Override
                                protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                        ctx.pipeline().addLast(Http2Limits.DEFAULTS.newServerCodec(),
                                                new Http2MultiplexHandler(new FactsResponder()));
                                    } else {
                                        ctx.close();
                                    }
                                }
                            });
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();

            SslContext clientCtx = TlsHandshakeTest.client(SslProvider.JDK, "h2", "http/1.1");
            Channel conn = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(clientCtx.newHandler(ch.alloc(), "h2.example", port),
                                    Http2FrameCodecBuilder.forClient().build(),
                                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        }
                    }).connect("127.0.0.1", port).sync().channel();

            CompletableFuture<Http2Headers> response = new CompletableFuture<>();
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(conn).handler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2HeadersFrame h) {
                        response.complete(h.headers());
                    }
                    ReferenceCountUtil.release(msg);
                }
            }).open().sync().getNow();
            Http2Headers request = new DefaultHttp2Headers().method("GET").scheme("https").authority("h2.example").path("/");
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(request, true)).sync();

            Http2Headers h = response.get(20, TimeUnit.SECONDS);
            assertEquals("200", String.valueOf(h.status()));
            assertEquals("TLSv1.3", String.valueOf(h.get("x-tls-version")));
            assertEquals("h2.example", String.valueOf(h.get("x-sni")));
            assertEquals("h2", String.valueOf(h.get("x-alpn")));
            conn.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Answers every request with the TLS facts of its connection; stateless, so shared by every stream. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class FactsResponder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame f && f.isEndStream()) {
                Channel ch = ctx.channel();
                Http2Headers h = new DefaultHttp2Headers().status("200")
                        .set("x-tls-version", TlsFacts.version(ch))
                        .set("x-sni", TlsFacts.sni(ch))
                        .set("x-alpn", TlsFacts.applicationProtocol(ch));
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(h, true));
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
