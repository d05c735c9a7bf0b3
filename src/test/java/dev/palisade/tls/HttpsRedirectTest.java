package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.server.PalisadeServer;
import dev.palisade.testing.RawClient;
import dev.palisade.testing.TestOrigin;
import dev.palisade.tls.TestPki.Issued;
import dev.palisade.tls.TestPki.KeyType;

/**
 * Plain HTTP answered with 308 to HTTPS, never to a host the certificates do not cover; and the one HSTS
 * setting (tls.hsts_max_age) on HTTPS answers only.
 */
@Timeout(60)
class HttpsRedirectTest {

    @TempDir
    Path dir;

    private final Issued ca = TestPki.ca("Test CA");
    private TestOrigin origin;
    private PalisadeServer proxy;

    @BeforeEach
    void start() throws Exception {
        TestPki.serve(dir.resolve("certs"), ca, KeyType.EC, "shop.example", "*.shop.example");
        origin = new TestOrigin();
        String yaml = """
                admin: {enabled: false}
                listeners:
                  - name: http
                    bind: 127.0.0.1:0
                    https_redirect: true
                  - name: canonical
                    bind: 127.0.0.1:0
                    https_redirect: {listener: https, host: www.shop.example, port: 443}
                  - name: https
                    bind: 127.0.0.1:0
                    tls:
                      certs: certs
                      hsts_max_age: 365d
                      hsts_include_subdomains: true
                  - name: plain
                    bind: 127.0.0.1:0
                origins:
                  app:
                    servers: [127.0.0.1:%d]
                """.formatted(origin.port());
        proxy = PalisadeServer.start(ConfigLoader.parse(yaml, "palisade.yaml", null, dir));
    }

    @AfterEach
    void stop() {
        proxy.close();
        origin.close();
    }

    private String ask(String listener, String request) throws Exception {
        try (RawClient c = new RawClient(proxy.port(listener))) {
            return c.send(request).readResponse();
        }
    }

    private static String header(String response, String name) {
        for (String line : response.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    @Test
    void plainHttpIsSentToTheSamePathOverHttps() throws Exception {
        int https = proxy.port("https");
        String r = ask("http", "GET /cart/items?id=7&x=%2F HTTP/1.1\r\nHost: shop.example\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 308 "), r);
        assertEquals("https://shop.example:" + https + "/cart/items?id=7&x=%2F", header(r, "Location"));
        assertNull(header(r, "Strict-Transport-Security"), "never HSTS over plain HTTP");

        String sub = ask("http", "POST /login HTTP/1.1\r\nHost: WWW.Shop.Example.:80\r\nContent-Length: 0\r\n\r\n");
        assertTrue(sub.startsWith("HTTP/1.1 308 "), sub);
        assertEquals("https://www.shop.example:" + https + "/login", header(sub, "Location"), "wildcard name, port dropped");

        String absolute = ask("http", "GET http://shop.example/a?b=1 HTTP/1.1\r\nHost: shop.example\r\n\r\n");
        assertEquals("https://shop.example:" + https + "/a?b=1", header(absolute, "Location"));
        assertEquals(0, origin.received().size(), "a redirected request is not forwarded");
    }

    @Test
    void aHostNoCertificateCoversIsNotRedirected() throws Exception {
        for (String host : new String[] {"evil.example", "shop.example.evil.example", "127.0.0.1", "a.b.shop.example",
                                         "shop.example@evil.example", "evil.example:99999"}) {
            String r = ask("http", "GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 400 "), host + " -> " + r);
            assertNull(header(r, "Location"), host);
            assertFalse(r.toLowerCase(Locale.ROOT).contains("evil"), "the host is not echoed: " + r);
        }
        String http10 = ask("http", "GET / HTTP/1.0\r\n\r\n");
        assertTrue(http10.startsWith("HTTP/1.1 400 "), http10);
    }

    @Test
    void aConfiguredPublicNameIsAlwaysUsed() throws Exception {
        String r = ask("canonical", "GET //evil.example/path HTTP/1.1\r\nHost: evil.example\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 308 "), r);
        assertEquals("https://www.shop.example//evil.example/path", header(r, "Location"),
                "the authority is the configured one; the rest is a path on it");
    }

    @Test
    void listenersWithoutTheOptionStillProxy() throws Exception {
        String r = ask("plain", "GET /x HTTP/1.1\r\nHost: shop.example\r\n\r\n");
        assertTrue(r.startsWith("HTTP/1.1 200 "), r);
        assertNull(header(r, "Strict-Transport-Security"));
    }

    @Test
    void hstsGoesOnEveryHttpsAnswerOnly() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        for (String path : new String[] {"/ok", "/status/503"}) {
            String answer = httpsGet(ssl, path);
            assertTrue(answer.startsWith("HTTP/1.1 " + (path.equals("/ok") ? "200" : "503")), answer);
            assertEquals("max-age=31536000; includeSubDomains", header(answer, "Strict-Transport-Security"), answer);
        }
    }

    /** GET over TLS with SNI shop.example to the https listener, read to the end. */
    private String httpsGet(SSLContext ssl, String path) throws Exception {
        try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", proxy.port("https"))) {
            s.setSoTimeout(10_000);
            SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName("shop.example")));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void badRedirectSettingsAreLocated() {
        String[][] rows = {
            {"https_redirect: true", "no TLS listener to redirect to"},
            {"https_redirect: {listener: nope}", "listener: 'nope' is not a TLS listener"},
            {"https_redirect: {port: 0}", "port"},
            {"https_redirect: {host: 'evil.example/x'}", "https_redirect.host: 'evil.example/x'"},
            {"https_redirect: sometimes", "'sometimes' (expected: true, false, or a mapping"},
            {"https_redirect: {to: https}", "https_redirect.to: unknown key"},
        };
        for (String[] row : rows) {
            String yaml = "listeners:\n  - name: http\n    bind: 127.0.0.1:0\n    " + row[0]
                    + "\norigins:\n  app:\n    servers: [127.0.0.1:1]\n";
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "p.yaml", null, dir), row[0]);
            assertTrue(e.getMessage().contains(row[1]), row[0] + " -> " + e.getMessage());
            assertTrue(e.getMessage().contains("p.yaml:4"), row[0] + " -> " + e.getMessage());
        }
        String onTls = "listeners:\n  - name: https\n    bind: 127.0.0.1:0\n    tls: {certs: certs}\n    https_redirect: true\n"
                + "origins:\n  app:\n    servers: [127.0.0.1:1]\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(onTls, "p.yaml", null, dir));
        assertTrue(e.getMessage().contains("set on a TLS listener"), e.getMessage());
    }

    @Test
    void hostHeadersAreParsedStrictly() {
        assertEquals("shop.example", HttpsRedirect.hostName("Shop.Example:8080"));
        assertEquals("::1", HttpsRedirect.hostName("[::1]:443"));
        assertNull(HttpsRedirect.hostName("a b"));
        assertNull(HttpsRedirect.hostName("evil.example\\@shop.example"));
        assertNull(HttpsRedirect.hostName("shop.example:80:80"));
        assertNull(HttpsRedirect.hostName("-bad.example"));
        assertNull(HttpsRedirect.hostName(""));
    }
}
