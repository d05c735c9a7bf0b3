package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.HostPort;
import dev.palisade.config.LimitsConfig;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.config.TlsConfig;
import dev.palisade.tls.SelfSignedCertificates;
import dev.palisade.testing.TestOrigin;

/** TLS listeners end to end: HTTP/2 and HTTP/1.1 over TLS into the same proxy, with a generated certificate. */
@Timeout(60)
class TlsProxyTest {

    private static SSLContext trusting(Path certDir) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        try (Stream<Path> files = Files.list(certDir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".crt") || f.toString().endsWith(".pem")).toList()) {
                try (InputStream in = Files.newInputStream(p)) {
                    for (var c : cf.generateCertificates(in)) {
                        ks.setCertificateEntry(p.getFileName().toString(), (X509Certificate) c);
                    }
                } catch (java.security.cert.CertificateException notACert) {
                    // the key file
                }
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void http2AndHttp11OverTlsReachTheOrigin(@TempDir Path certs) throws Exception {
        SelfSignedCertificates.write(certs, List.of("localhost"), Duration.ofDays(1));
        try (TestOrigin origin = new TestOrigin()) {
            PalisadeConfig base = PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(origin.hostPort()));
            List<ListenerConfig> ls = new ArrayList<>(base.listeners());
            ls.add(new ListenerConfig("https", new HostPort("127.0.0.1", 0), false, new TlsConfig(certs, false, true)));
            try (PalisadeServer proxy = PalisadeServer.start(base.withListeners(ls)
                    .withLimits(new LimitsConfig(8192, 16384, 100, 1024, 10_000)))) {
                int port = proxy.port("https");
                SSLContext ssl = trusting(certs);
                for (HttpClient.Version v : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
                    HttpClient client = HttpClient.newBuilder().sslContext(ssl).version(v).build();
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v/" + v))
                            .POST(HttpRequest.BodyPublishers.ofString("hello body")).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode());
                    assertEquals(v, r.version());
                    assertEquals("ok /v/" + v, r.body());
                    HttpResponse<String> missing = client.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + port + "/status/503")).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(503, missing.statusCode());
                    assertTrue(missing.body().contains(missing.headers().firstValue("x-request-id").orElseThrow()));
                    // a dot-segment hidden behind percent-encoding is refused on both protocols (RFC 3986 5.2.4)
                    HttpResponse<String> traversal = client.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + port + "/v/%2e%2e/secret")).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(400, traversal.statusCode(), v + ": " + traversal.body());
                    // limits.max_body holds on both protocols
                    HttpResponse<String> big = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/big"))
                            .POST(HttpRequest.BodyPublishers.ofString("b".repeat(2000))).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(413, big.statusCode(), v + ": " + big.body());
                }
                TestOrigin.Received h2 = origin.received().get(0);
                assertEquals(10, h2.bodyBytes());
                assertEquals("https", h2.headers().get("X-Forwarded-Proto"));
                assertEquals(null, h2.headers().get("x-http2-stream-id"), "HTTP/2 conversion fields stay inside");
                TestOrigin.Received h1 = origin.received().get(2);
                assertEquals(10, h1.bodyBytes());
            }
        }
    }
}
