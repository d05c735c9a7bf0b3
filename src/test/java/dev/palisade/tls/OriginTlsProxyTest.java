package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.server.PalisadeServer;
import dev.palisade.testing.TestOrigin;
import dev.palisade.tls.TestPki.Issued;
import dev.palisade.tls.TestPki.KeyType;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/**
 * TLS from the proxy to a real TLS origin (a Netty server with a certificate from a test CA), through the
 * whole product: the config file's {@code origins.NAME.tls}, pooled connections and the 502 page.
 */
@Timeout(60)
class OriginTlsProxyTest {

    @TempDir
    Path dir;

    private final Issued ca = TestPki.ca("Origin CA");
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Logger requestLog = (Logger) LoggerFactory.getLogger("dev.palisade.server.ClientHandler");
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void capture() {
        events.start();
        requestLog.addAppender(events);
    }

    @AfterEach
    void release() {
        requestLog.detachAppender(events);
    }

    private SslContext originContext(Issued leaf, Issued clientCa) throws Exception {
        SslContextBuilder b = SslContextBuilder.forServer(leaf.key(), leaf.cert());
        if (clientCa != null) {
            b.clientAuth(ClientAuth.REQUIRE).trustManager(clientCa.cert());
        }
        return b.build();
    }

    private PalisadeServer proxy(TestOrigin origin, String tlsYaml) throws Exception {
        String yaml = "admin: {enabled: false}\nlisteners:\n  - name: http\n    bind: 127.0.0.1:0\n"
                + "origins:\n  app:\n    servers: [127.0.0.1:" + origin.port() + "]\n"
                + "    retries: {attempts: 1}\n"
                + "    tls:\n" + tlsYaml.indent(6);
        PalisadeConfig cfg = ConfigLoader.parse(yaml, "test.yaml", null, dir);
        return PalisadeServer.start(cfg);
    }

    private HttpResponse<String> get(PalisadeServer proxy, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port("http") + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String warnings() {
        StringBuilder sb = new StringBuilder();
        for (ILoggingEvent e : events.list) {
            sb.append(e.getFormattedMessage()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void verifiedOriginAnswersOverPooledTlsConnections() throws Exception {
        Issued leaf = TestPki.leaf(ca, KeyType.EC, "app.internal");
        TestPki.writeCerts(dir.resolve("origin-ca.pem"), ca.cert());
        try (TestOrigin origin = new TestOrigin("tls-origin", originContext(leaf, null));
             PalisadeServer proxy = proxy(origin, "ca_file: origin-ca.pem\nserver_name: app.internal\n")) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = get(proxy, "/hello/" + i);
                assertEquals(200, r.statusCode());
                assertEquals("ok /hello/" + i, r.body());
            }
            assertEquals(1, origin.connections(), "the TLS connection is pooled and reused");
        }
    }

    @Test
    void serverNameDefaultsToTheConfiguredHostAndIsChecked() throws Exception {
        // the certificate names only 127.0.0.1 (an IP SAN): no server_name needed, the configured host is checked
        Issued byAddress = TestPki.leaf(ca, KeyType.EC, "127.0.0.1");
        TestPki.writeCerts(dir.resolve("origin-ca.pem"), ca.cert());
        try (TestOrigin origin = new TestOrigin("tls-origin", originContext(byAddress, null))) {
            try (PalisadeServer proxy = proxy(origin, "ca_file: origin-ca.pem\n")) {
                assertEquals(200, get(proxy, "/").statusCode());
            }
            try (PalisadeServer proxy = proxy(origin, "ca_file: origin-ca.pem\nserver_name: app.internal\n")) {
                assertEquals(502, get(proxy, "/").statusCode(), "a name the certificate does not carry is refused");
            }
        }
    }

    @Test
    void wrongCaIsRefusedWith502AndTheReasonIsLogged() throws Exception {
        Issued leaf = TestPki.leaf(ca, KeyType.EC, "app.internal");
        TestPki.writeCerts(dir.resolve("other-ca.pem"), TestPki.ca("Some Other CA").cert());
        try (TestOrigin origin = new TestOrigin("tls-origin", originContext(leaf, null));
             PalisadeServer proxy = proxy(origin, "ca_file: other-ca.pem\nserver_name: app.internal\n")) {
            HttpResponse<String> r = get(proxy, "/secret");
            assertEquals(502, r.statusCode());
            assertTrue(!r.body().contains("127.0.0.1") && !r.body().contains("app.internal"),
                    "the page names no origin: " + r.body());
            assertEquals(0, origin.received().size(), "no request reached the origin");
            String log = warnings();
            assertTrue(log.contains("TLS handshake with https://127.0.0.1:" + origin.port() + " (app.internal) failed"), log);
        }
    }

    @Test
    void systemTrustStoreRefusesAPrivateCa() throws Exception {
        Issued leaf = TestPki.leaf(ca, KeyType.EC, "app.internal");
        try (TestOrigin origin = new TestOrigin("tls-origin", originContext(leaf, null));
             PalisadeServer proxy = proxy(origin, "server_name: app.internal\n")) {
            assertEquals(502, get(proxy, "/").statusCode());
        }
    }

    @Test
    void skipVerifyAcceptsAnyCertificateAndIsWarnedAbout() throws Exception {
        Issued selfMade = TestPki.leaf(TestPki.ca("Nobody"), KeyType.EC, "whatever.example");
        try (TestOrigin origin = new TestOrigin("tls-origin", originContext(selfMade, null));
             PalisadeServer proxy = proxy(origin, "insecure_skip_verify: true\n")) {
            assertEquals(200, get(proxy, "/").statusCode());
        }
        PalisadeConfig cfg = ConfigLoader.parse("listeners: [{bind: 127.0.0.1:0}]\norigins:\n  app:\n"
                + "    servers: [127.0.0.1:1]\n    tls: {insecure_skip_verify: true}\n", "t.yaml", null, dir);
        assertTrue(cfg.origins().get("app").tls().warning("app").startsWith("origins.app.tls.insecure_skip_verify: true"));
    }

    @Test
    void clientCertificateForAnOriginThatRequiresOne() throws Exception {
        Issued leaf = TestPki.leaf(ca, KeyType.EC, "app.internal");
        Issued edgeCa = TestPki.ca("Edge Client CA");
        Issued edge = TestPki.leaf(edgeCa, KeyType.RSA, "edge.internal");
        TestPki.writeCerts(dir.resolve("origin-ca.pem"), ca.cert());
        TestPki.writeCerts(dir.resolve("edge.crt"), edge.cert(), edgeCa.cert());
        TestPki.writeEncryptedPkcs8(dir.resolve("edge.key"), edge.key(), "s3cret");
        TestPki.write(dir.resolve("edge.pass"), "s3cret\n");
        try (TestOrigin origin = new TestOrigin("mtls-origin", originContext(leaf, edgeCa))) {
            try (PalisadeServer proxy = proxy(origin, "ca_file: origin-ca.pem\nserver_name: app.internal\n")) {
                assertEquals(502, get(proxy, "/").statusCode(), "no client certificate: the origin refuses");
            }
            try (PalisadeServer proxy = proxy(origin, "ca_file: origin-ca.pem\nserver_name: app.internal\n"
                    + "cert_file: edge.crt\nkey_file: edge.key\nkey_password_file: edge.pass\n")) {
                assertEquals(200, get(proxy, "/").statusCode());
            }
        }
    }

    @Test
    void badSettingsAreReportedWithTheFileOrKey() throws Exception {
        TestPki.write(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        Issued edge = TestPki.leaf(TestPki.ca("Edge"), KeyType.EC, "edge.internal");
        TestPki.writeCerts(dir.resolve("edge.crt"), edge.cert());
        TestPki.writePkcs8(dir.resolve("other.key"), TestPki.keys(KeyType.EC).getPrivate());
        String[][] rows = {
            {"ca_file: missing.pem\n", "missing.pem: file not found"},
            {"ca_file: garbage.pem\n", "garbage.pem"},
            {"cert_file: edge.crt\nkey_file: other.key\n", "does not belong"},
            {"cert_file: edge.crt\n", "no private key"},
            {"key_file: other.key\n", "key_file: set without cert_file"},
            {"verify: false\n", "insecure_skip_verify"},
            {"insecure_skip_verify: maybe\n", "'maybe' (expected: true or false)"},
            {"insecure_skip_verify: true\nca_file: garbage.pem\n", "one or the other"},
            {"server_name: 'bad name'\n", "server_name"},
            {"key_password: hunter2\ncert_file: edge.crt\n", "passwords do not belong"},
            {"sni: x\n", "unknown key"},
        };
        for (String[] row : rows) {
            String yaml = "listeners: [{bind: 127.0.0.1:0}]\norigins:\n  app:\n    servers: [127.0.0.1:1]\n    tls:\n"
                    + row[0].indent(6);
            ConfigException e = assertThrows(ConfigException.class, () -> {
                PalisadeServer.validate(ConfigLoader.parse(yaml, "t.yaml", null, dir));
            }, row[0]);
            assertTrue(e.getMessage().contains(row[1]), row[0] + " -> " + e.getMessage());
        }
        ConfigException scalar = assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                "listeners: [{bind: 127.0.0.1:0}]\norigins:\n  app:\n    servers: [127.0.0.1:1]\n    tls: sometimes\n",
                "t.yaml", null, dir));
        assertTrue(scalar.getMessage().contains("t.yaml:5"), scalar.getMessage());
        List.of(scalar).forEach(x -> assertTrue(x.getMessage().contains("expected: true, false, or a mapping")));
    }
}
