package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.ConfigLoader;
import dev.palisade.server.PalisadeServer;
import dev.palisade.testing.TestOrigin;
import dev.palisade.tls.TestPki.Issued;
import dev.palisade.tls.TestPki.KeyType;

/** A rule that requires a client certificate subject for /admin, over real mTLS handshakes (client_auth optional). */
@Timeout(60)
class ClientCertRulesTest {

    @TempDir
    Path dir;

    private final Issued serverCa = TestPki.ca("Server CA");
    private final Issued clientCa = TestPki.ca("Clients CA");

    private SSLContext client(Issued cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", serverCa.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (cert != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("me", cert.key(), new char[0], new java.security.cert.Certificate[] {cert.cert()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String get(SSLContext ctx, int port, String path) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName("shop.example")));
            s.setSSLParameters(p);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void adminNeedsTheAdminCertificate() throws Exception {
        TestPki.serve(dir.resolve("certs"), serverCa, KeyType.EC, "shop.example");
        TestPki.writeCerts(dir.resolve("clients-ca.pem"), clientCa.cert());
        TestPki.write(dir.resolve("rules").resolve("10-admin.rules"), """
                rule 9001 "Admin needs the admin client certificate"
                  when path prefix "/admin" and not client_cert_subject equals "CN=admin.clients"
                  then block status 403
                """);
        Issued admin = TestPki.leaf(clientCa, KeyType.EC, "admin.clients");
        Issued user = TestPki.leaf(clientCa, KeyType.EC, "user.clients");
        try (TestOrigin origin = new TestOrigin()) {
            String yaml = """
                    admin: {enabled: false}
                    listeners:
                      - name: https
                        bind: 127.0.0.1:0
                        tls: {certs: certs, client_auth: optional, client_ca: clients-ca.pem}
                    origins:
                      app:
                        servers: [127.0.0.1:%d]
                    rules:
                      dir: rules
                    """.formatted(origin.port());
            try (PalisadeServer proxy = PalisadeServer.start(ConfigLoader.parse(yaml, "p.yaml", null, dir))) {
                int port = proxy.port("https");
                assertTrue(get(client(admin), port, "/admin/users").startsWith("HTTP/1.1 200 "));
                assertTrue(get(client(user), port, "/admin/users").startsWith("HTTP/1.1 403 "));
                assertTrue(get(client(null), port, "/admin/users").startsWith("HTTP/1.1 403 "));
                assertTrue(get(client(null), port, "/shop").startsWith("HTTP/1.1 200 "), "other paths need no certificate");
            }
        }
    }
}
