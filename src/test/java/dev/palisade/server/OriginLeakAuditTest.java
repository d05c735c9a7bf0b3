package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.HostPort;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.config.TlsConfig;
import dev.palisade.testing.RawClient;
import dev.palisade.tls.SelfSignedCertificates;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

/**
 * An origin that gives itself away in every way it can sits behind Palisade; every byte a client sees,
 * over HTTP/1.1 and HTTP/2, is scanned for the origin's address, port, internal name and software.
 */
@Timeout(60)
class OriginLeakAuditTest {

    private static final String NAME = "backend-7.internal";

    /** Answers every path with identifying headers; /error with a 500 page full of internals. */
    private static Channel leakyOrigin(EventLoopGroup group) {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        int port = ((InetSocketAddress) ctx.channel().localAddress()).getPort();
                                        String self = "http://127.0.0.1:" + port;
                                        boolean error = req.uri().startsWith("/error");
                                        String body = error
                                                ? "<h1>500</h1><pre>java.lang.NullPointerException at " + NAME + " (127.0.0.1:" + port
                                                        + ") Apache/2.4.41 PHP/7.4.3</pre>"
                                                : "hello";
                                        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                error ? HttpResponseStatus.INTERNAL_SERVER_ERROR : HttpResponseStatus.FOUND,
                                                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
                                        r.headers().set("Server", "Apache/2.4.41 (Ubuntu)")
                                                .set("X-Powered-By", "PHP/7.4.3")
                                                .set("X-AspNet-Version", "4.0.30319")
                                                .set("X-Backend-Server", NAME)
                                                .set("Via", "1.1 " + NAME)
                                                .set("Location", self + "/next?x=1")
                                                .set("Content-Location", "http://" + NAME + ":" + port + "/doc")
                                                .set("Refresh", "5; url=" + self + "/later")
                                                .set("Link", "<" + self + "/style.css>; rel=preload")
                                                .add("Set-Cookie", "sid=1; Domain=" + NAME + "; Path=/; HttpOnly")
                                                .add("Set-Cookie", "theme=dark; Path=/")
                                                .set("Content-Type", "text/html")
                                                .setInt("Content-Length", r.content().readableBytes());
                                        ctx.writeAndFlush(r);
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    private static List<String> leaks(String clientVisible, int port) {
        List<String> hits = new ArrayList<>();
        String lower = clientVisible.toLowerCase(Locale.ROOT);
        for (String token : List.of("127.0.0.1:" + port, ":" + port, "backend-7", "apache", "php", "aspnet", "4.0.30319",
                "nullpointerexception")) {
            if (lower.contains(token)) {
                hits.add(token);
            }
        }
        return hits;
    }

    @Test
    void noClientVisibleByteNamesTheOrigin(@TempDir Path certs) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel origin = leakyOrigin(group);
        int port = ((InetSocketAddress) origin.localAddress()).getPort();
        SelfSignedCertificates.write(certs, List.of("localhost"), Duration.ofDays(1));
        PalisadeConfig base = PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(new HostPort("127.0.0.1", port)));
        List<ListenerConfig> ls = new ArrayList<>(base.listeners());
        ls.add(new ListenerConfig("https", new HostPort("127.0.0.1", 0), false, new TlsConfig(certs, false, true)));
        try (PalisadeServer proxy = PalisadeServer.start(base.withListeners(ls))) {
            int http = proxy.port("http");
            for (String path : List.of("/", "/a/b?c=d", "/error", "/error?x=1")) {
                try (RawClient c = new RawClient(http)) {
                    String seen = c.send("GET " + path + " HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: Mozilla/5.0\r\n\r\n")
                            .readResponse();
                    assertEquals(List.of(), leaks(seen, port), "HTTP/1.1 " + path + ":\n" + seen);
                    if (!path.startsWith("/error")) {
                        assertTrue(seen.contains("Location: http://shop.example/next?x=1"), seen);
                        assertTrue(seen.contains("theme=dark; Path=/"), "other cookies stay intact: " + seen);
                    }
                }
            }
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
                }

                @Override
                public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
                }

                @Override
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            HttpClient h2 = HttpClient.newBuilder().sslContext(trustAll).version(HttpClient.Version.HTTP_2)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            for (String path : List.of("/", "/error")) {
                HttpResponse<String> r = h2.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + proxy.port("https") + path)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(HttpClient.Version.HTTP_2, r.version());
                String seen = r.headers().map() + "\n" + r.body();
                assertEquals(List.of(), leaks(seen, port), "HTTP/2 " + path + ":\n" + seen);
            }
        } finally {
            origin.close().syncUninterruptibly();
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
