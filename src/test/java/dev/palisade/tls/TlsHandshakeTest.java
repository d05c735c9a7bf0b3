package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.palisade.config.ConfigException;
import dev.palisade.config.TlsConfig;
import dev.palisade.config.TlsConfig.Provider;
import dev.palisade.tls.TestPki.Issued;
import dev.palisade.tls.TestPki.KeyType;
import dev.palisade.testing.TrustEverything;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/** Real handshakes on port 0 against a terminator, with each provider forced in turn. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsHandshakeTest {

    private static TlsTestNet net;
    private static Issued ca;

    /** Runs the test once with each provider forced. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest
    @EnumSource(value = Provider.class, names = {"OPENSSL", "JDK"})
    @interface EachProvider {
    }

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        net = new TlsTestNet();
        ca = TestPki.ca("Test CA");
    }

    @AfterAll
    static void stop() {
        net.close();
    }

    private static void assumeAvailable(Provider p) {
        if (p == Provider.OPENSSL) {
            assumeTrue(TlsProviders.openSslProblem() == null, "OpenSSL is not usable here");
        }
    }

    private TlsTerminator terminator(Provider p, TlsConfig.Builder b) throws ConfigException {
        assumeAvailable(p);
        TlsTerminator t = TlsTerminator.create("test", b.provider(p).build());
        assertEquals(p == Provider.OPENSSL ? "OpenSSL" : "JDK", t.provider());
        return t;
    }

    /** A client that trusts anything, so tests can see which certificate was served; offers {@code alpn}. */
    static SslContext client(SslProvider p, String... alpn) throws Exception {
        SslContextBuilder b = trustingClient(p);
        if (alpn.length > 0) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        return b.build();
    }

    /** A client builder that trusts anything and checks no name; tests add protocols, ciphers or a key. */
    private static SslContextBuilder trustingClient(SslProvider p) {
        return SslContextBuilder.forClient().sslProvider(p)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
    }

    private static void close(TlsTestNet.Result r) {
        r.channel().close().syncUninterruptibly();
    }

    /** One whole connection: handshake, read the server's line, close; returns what it showed. */
    private static TlsTestNet.Result handshake(int port, SslContext client, String sni) throws Exception {
        TlsTestNet.Result r = net.connect(port, client, sni);
        close(r);
        return r;
    }

    /** A JDK client context that speaks TLS 1.2 only and trusts anything. */
    private static SSLContext jdkTls12() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLSv1.2");
        ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        return ctx;
    }

    /** A connected, not yet handshaken JDK socket with a read timeout, naming {@code sni} when it is not null. */
    private static SSLSocket jdkSocket(SSLContext ctx, int port, String sni) throws java.io.IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        if (sni != null) {
            SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(sni)));
            s.setSSLParameters(params);
        }
        return s;
    }

    @EachProvider
    void sniPicksTheCertificateByName(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TestPki.serve(dir, ca, KeyType.RSA, "b.example", "www.b.example");
        int port = net.serve(terminator(p, TlsConfig.builder(dir)));
        SslContext client = client(SslProvider.JDK);

        TlsTestNet.Result a = handshake(port, client, "a.example");
        assertEquals("a.example", a.san());
        assertEquals("TLSv1.3|a.example||", a.serverLine());
        TlsTestNet.Result b = handshake(port, client, "www.b.example");
        assertEquals("b.example,www.b.example", b.san());
        assertEquals("RSA", b.peer().getPublicKey().getAlgorithm());
    }

    @EachProvider
    void wildcardCoversOneLabelAndUnknownNamesGetTheDefault(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TestPki.serve(dir, ca, KeyType.EC, "*.w.example");
        int port = net.serve(terminator(p, TlsConfig.builder(dir)));
        SslContext client = client(SslProvider.JDK);

        assertEquals("*.w.example", handshake(port, client, "x.w.example").san());
        assertEquals("a.example", handshake(port, client, "a.x.w.example").san(),
                "a wildcard covers one label only; the first file is the default");
    }

    @EachProvider
    void clientWithoutSniGetsTheDefaultCertificate(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TestPki.serve(dir, ca, KeyType.EC, "b.example");
        int port = net.serve(terminator(p, TlsConfig.builder(dir).defaultHost("b.example")));

        TlsTestNet.Result r = handshake(port, client(SslProvider.JDK), null);
        assertEquals("b.example", r.san());
        assertEquals("TLSv1.3|||", r.serverLine());
    }

    @EachProvider
    void strictSniRefusesUnknownNames(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TlsTerminator t = terminator(p, TlsConfig.builder(dir).strictSni(true));
        int port = net.serve(t);
        SslContext client = client(SslProvider.JDK);

        handshake(port, client, "a.example");
        ExecutionException refused = assertThrows(ExecutionException.class, () -> net.connect(port, client, "other.example"));
        assertTrue(String.valueOf(refused.getCause()).contains("unrecognized_name"),
                "the client is told why: " + refused.getCause());
        assertThrows(ExecutionException.class, () -> net.connect(port, client, null));
        awaitCount(() -> t.counters().sniRefused(), 2);
    }

    @EachProvider
    void tls11AndWeakSuitesAreRefused(Provider p) throws Exception {
        assumeTrue(TlsProviders.openSslProblem() == null, "needs BoringSSL as a client that still speaks TLS 1.1");
        TestPki.serve(dir, ca, KeyType.RSA, "a.example");
        TlsTerminator t = terminator(p, TlsConfig.builder(dir));
        int port = net.serve(t);
        SslContextBuilder old = trustingClient(SslProvider.OPENSSL);

        SslContext tls11 = old.protocols("TLSv1.1").ciphers(List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")).build();
        assertThrows(ExecutionException.class, () -> net.connect(port, tls11, "a.example"));
        SslContext cbc = old.protocols("TLSv1.2").ciphers(List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")).build();
        assertThrows(ExecutionException.class, () -> net.connect(port, cbc, "a.example"));
        SslContext noForwardSecrecy = old.protocols("TLSv1.2").ciphers(List.of("TLS_RSA_WITH_AES_128_GCM_SHA256")).build();
        assertThrows(ExecutionException.class, () -> net.connect(port, noForwardSecrecy, "a.example"));

        SslContext good = old.protocols("TLSv1.2").ciphers(List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")).build();
        assertEquals("TLSv1.2", handshake(port, good, "a.example").protocol());
        awaitCount(() -> t.counters().failed(), 3);
    }

    @EachProvider
    void protocolsSettingCanRequireTls13(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        int port = net.serve(terminator(p, TlsConfig.builder(dir).protocols(List.of("TLSv1.3"))));
        SslContext tls12 = trustingClient(SslProvider.JDK).protocols("TLSv1.2").build();
        assertThrows(ExecutionException.class, () -> net.connect(port, tls12, "a.example"));
        assertEquals("TLSv1.3", handshake(port, client(SslProvider.JDK), "a.example").protocol());
    }

    @EachProvider
    void serverPrefersItsOwnCipherOrder(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        int port = net.serve(terminator(p, TlsConfig.builder(dir).protocols(List.of("TLSv1.2"))));
        SslContext client = trustingClient(SslProvider.JDK).protocols("TLSv1.2").ciphers(List.of(
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")).build();
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", handshake(port, client, "a.example").cipher());
    }

    @EachProvider
    void alpnOffersH2OnlyWhenHttp2IsOn(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        int h2Port = net.serve(terminator(p, TlsConfig.builder(dir).http2(true)));
        int h1Port = net.serve(terminator(p, TlsConfig.builder(dir).http2(false)));
        SslContext both = client(SslProvider.JDK, "h2", "http/1.1");
        SslContext h1 = client(SslProvider.JDK, "http/1.1");

        TlsTestNet.Result r = handshake(h2Port, both, "a.example");
        assertEquals("h2", r.alpn());
        assertEquals("TLSv1.3|a.example|h2|", r.serverLine());
        assertEquals("http/1.1", handshake(h2Port, h1, "a.example").alpn());
        r = handshake(h1Port, both, "a.example");
        assertEquals("http/1.1", r.alpn());
        assertEquals("TLSv1.3|a.example|http/1.1|", r.serverLine());
    }

    @EachProvider
    void reloadServesTheNewCertificateAndKeepsOpenConnections(Provider p) throws Exception {
        Issued first = TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TlsTerminator t = terminator(p, TlsConfig.builder(dir));
        int port = net.serve(t);
        SslContext client = client(SslProvider.JDK);
        TlsTestNet.Result before = net.connect(port, client, "a.example");
        assertEquals(first.cert().getSerialNumber(), before.peer().getSerialNumber());

        Files.delete(dir.resolve("a.example.crt"));
        Files.delete(dir.resolve("a.example.key"));
        Issued second = TestPki.serve(dir, ca, KeyType.RSA, "a.example");
        t.reload();

        // a fresh client makes a full handshake (the old client may resume its session, which is fine)
        TlsTestNet.Result after = handshake(port, client(SslProvider.JDK), "a.example");
        assertEquals(second.cert().getSerialNumber(), after.peer().getSerialNumber());
        assertEquals("still here", TlsTestNet.echo(before, "still here"), "an open connection survives the reload");
        close(before);
    }

    @EachProvider
    void reloadUnderTrafficFailsNoHandshake(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TlsTerminator t = terminator(p, TlsConfig.builder(dir));
        int port = net.serve(t);
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread traffic = new Thread(() -> {
            try {
                SslContext client = client(SslProvider.JDK);
                while (!stop.get()) {
                    assertEquals("a.example", handshake(port, client, "a.example").san());
                    ok.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        traffic.start();
        for (int i = 0; i < 5; i++) {
            Files.delete(dir.resolve("a.example.crt"));
            Files.delete(dir.resolve("a.example.key"));
            TestPki.serve(dir, ca, i % 2 == 0 ? KeyType.RSA : KeyType.EC, "a.example");
            t.reload();
            int seen = ok.get();
            while (ok.get() < seen + 3 && failure.get() == null) {
                Thread.sleep(10);
            }
        }
        stop.set(true);
        traffic.join();
        assertEquals(null, failure.get(), "every handshake during the reloads succeeded");
        assertEquals(0, t.counters().failed());
    }

    @EachProvider
    void badReloadKeepsTheOldCertificate(Provider p) throws Exception {
        Issued first = TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TlsTerminator t = terminator(p, TlsConfig.builder(dir));
        int port = net.serve(t);

        TestPki.write(dir.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        Files.delete(dir.resolve("a.example.crt"));
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        ConfigException e = assertThrows(ConfigException.class, t::reload);
        assertTrue(e.getMessage().contains("broken.pem"), e.getMessage());

        TlsTestNet.Result r = handshake(port, client(SslProvider.JDK), "a.example");
        assertEquals(first.cert().getSerialNumber(), r.peer().getSerialNumber());

        // two phases: nothing changes until apply()
        Files.delete(dir.resolve("broken.pem"));
        TlsTerminator.Prepared next = t.prepare(t.config());
        assertEquals(first.cert(), t.certificateFor("a.example").leaf());
        next.apply();
        assertNotEquals(first.cert(), t.certificateFor("a.example").leaf());
    }

    @EachProvider
    void plainHttpOnTheTlsPortIsClosedAndCounted(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TlsTerminator t = terminator(p, TlsConfig.builder(dir).strictSni(p == Provider.JDK));
        int port = net.serve(t);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: a.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[512];
            int total = 0;
            int n;
            try {
                while ((n = in.read(buf)) >= 0) {
                    total += n;
                }
            } catch (java.net.SocketException reset) {
                // a reset is a close too
            }
            assertEquals(0, total, "no answer at all: " + total + " bytes");
        }
        awaitCount(() -> t.counters().notTls(), 1);
        assertEquals(0, t.counters().sniRefused(), "junk is not an SNI refusal, even under strict SNI");
    }

    @org.junit.jupiter.api.Test
    void hugeClientHelloIsRefusedBeforeItIsBuffered() throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TlsTerminator t = TlsTerminator.create("test", TlsConfig.of(dir));
        int port = net.serve(t);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            // one handshake record that announces a ClientHello of 1 MiB
            byte[] head = {0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x10, 0x00, 0x00};
            OutputStream out = s.getOutputStream();
            out.write(head);
            out.write(new byte[0x4000 - 4]); // the rest of the first record; the hello would need 64 more
            out.flush();
            assertEquals(-1, readToEnd(s.getInputStream()), "closed without an answer");
        } catch (java.net.SocketException reset) {
            // a reset is a close too
        }
        awaitCount(() -> t.counters().failed(), 1);
    }

    private static int readToEnd(InputStream in) throws java.io.IOException {
        byte[] buf = new byte[256];
        int n;
        while ((n = in.read(buf)) > 0) {
            // a TLS alert may come first
        }
        return n;
    }

    @org.junit.jupiter.api.Test
    void silentClientIsClosedAfterTheHandshakeTimeout() throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TlsTerminator t = TlsTerminator.create("test", TlsConfig.builder(dir)
                .handshakeTimeout(java.time.Duration.ofMillis(300)).build());
        int port = net.serve(t);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            assertEquals(-1, s.getInputStream().read(), "the server closes a client that never says hello");
        }
        awaitCount(() -> t.counters().timedOut(), 1);
    }

    @EachProvider
    void mutualTlsRequiredAndOptional(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        Issued clientCa = TestPki.ca("Client CA");
        Path caFile = TestPki.writeCerts(dir.resolve("clients").resolve("ca.pem"), clientCa.cert());
        Issued alice = TestPki.leaf(clientCa, KeyType.EC, "alice");
        Issued stranger = TestPki.leaf(TestPki.ca("Other CA"), KeyType.EC, "mallory");

        int required = net.serve(terminator(p, TlsConfig.builder(dir).clientAuth(TlsConfig.ClientAuth.REQUIRED).clientCa(caFile)));
        int optional = net.serve(terminator(p, TlsConfig.builder(dir).clientAuth(TlsConfig.ClientAuth.OPTIONAL).clientCa(caFile)));
        SslContext withCert = trustingClient(SslProvider.JDK).keyManager(alice.key(), alice.cert()).build();
        SslContext wrongCert = trustingClient(SslProvider.JDK).keyManager(stranger.key(), stranger.cert()).build();
        SslContext noCert = client(SslProvider.JDK);

        String fingerprint = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(alice.cert().getEncoded()));
        assertEquals("TLSv1.3|a.example||CN=alice|" + fingerprint, handshake(required, withCert, "a.example").serverLine());
        assertRefused(required, noCert);
        assertRefused(required, wrongCert);
        assertEquals("TLSv1.3|a.example||", handshake(optional, noCert, "a.example").serverLine());
    }

    /** TLS 1.3 clients learn of a refused certificate only after their handshake completes: expect a close. */
    private static void assertRefused(int port, SslContext client) {
        try {
            TlsTestNet.Result r = handshake(port, client, "a.example");
            throw new AssertionError("the server accepted the client: " + r.serverLine());
        } catch (ExecutionException | IllegalStateException expected) {
            // the handshake failed, or the server closed before sending its line
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @EachProvider
    void originClientVerifiesChainAndName(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "origin.example");
        int port = net.serve(terminator(p, TlsConfig.builder(dir)));
        Path caFile = TestPki.writeCerts(dir.resolve("trust").resolve("ca.pem"), ca.cert());
        SslContext verifying = OriginTls.clientContext(caFile, p, TlsConfig.SUPPORTED_PROTOCOLS, List.of());

        assertEquals("origin.example", handshake(port, verifying, "origin.example").san());
        assertThrows(ExecutionException.class, () -> net.connect(port, verifying, "wrong.example"),
                "the name must match the certificate");
        SslContext otherCa = OriginTls.clientContext(TestPki.writeCerts(dir.resolve("trust").resolve("other.pem"),
                TestPki.ca("Other").cert()), p, TlsConfig.SUPPORTED_PROTOCOLS, List.of());
        assertThrows(ExecutionException.class, () -> net.connect(port, otherCa, "origin.example"),
                "the chain must lead to the trusted CA");
        handshake(port, OriginTls.insecureClientContext(), "wrong.example");
    }

    @EachProvider
    void jdkSslSocketSeesSniSelection(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TestPki.serve(dir, ca, KeyType.EC, "b.example");
        int port = net.serve(terminator(p, TlsConfig.builder(dir)));
        try (SSLSocket s = jdkSocket(TrustEverything.context(), port, "b.example")) {
            s.startHandshake();
            java.security.cert.X509Certificate peer = (java.security.cert.X509Certificate) s.getSession().getPeerCertificates()[0];
            assertEquals(List.of("b.example"), CertNames.dnsNames(peer));
            assertNotEquals("TLSv1.1", s.getSession().getProtocol());
        }
    }

    /** Server-side statistics exist for OpenSSL only; the JDK path is checked from the client's side below. */
    @ParameterizedTest
    @EnumSource(value = Provider.class, names = {"OPENSSL"})
    void sessionsAreResumed(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TlsTerminator t = terminator(p, TlsConfig.builder(dir));
        int port = net.serve(t);
        SslContext client = client(SslProvider.JDK);
        for (int i = 0; i < 3; i++) {
            handshake(port, client, "a.example");
        }
        io.netty.handler.ssl.OpenSslSessionStats stats =
                ((io.netty.handler.ssl.OpenSslSessionContext) t.contextFor("a.example").sessionContext()).stats();
        long resumed = stats.hits() + stats.ticketKeyResume();
        assertTrue(resumed > 0, "no session was resumed: hits " + stats.hits() + ", ticket resumes " + stats.ticketKeyResume());

        // after a ticket key rotation, tickets of the previous period still resume (counted as renewals)
        t.rotateTicketKeys();
        handshake(port, client, "a.example");
        assertEquals(1, stats.ticketKeyRenew(), "resumed across one rotation with the previous key");
    }

    @EachProvider
    void tls12SessionsAreResumedAsSeenByTheClient(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        int port = net.serve(terminator(p, TlsConfig.builder(dir).protocols(List.of("TLSv1.2"))));
        SSLContext ctx = jdkTls12();
        long[] created = new long[2];
        for (int i = 0; i < 2; i++) {
            try (SSLSocket s = jdkSocket(ctx, port, "a.example")) {
                s.startHandshake();
                assertTrue(s.getInputStream().read(new byte[64]) > 0, "the server's first line");
                created[i] = s.getSession().getCreationTime();
            }
        }
        assertEquals(created[0], created[1], "the second connection resumed the first one's session");
    }

    @EachProvider
    void clientInitiatedRenegotiationIsRefused(Provider p) throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        int port = net.serve(terminator(p, TlsConfig.builder(dir).protocols(List.of("TLSv1.2"))));
        try (SSLSocket s = jdkSocket(jdkTls12(), port, null)) {
            s.setEnabledProtocols(new String[] {"TLSv1.2"});
            s.startHandshake();
            InputStream in = s.getInputStream();
            byte[] line = new byte[64];
            assertTrue(in.read(line) > 0, "the server's first line");
            byte[] firstSession = s.getSession().getId();
            s.getSession().invalidate();
            boolean renegotiated;
            try {
                s.startHandshake(); // asks the server for a new handshake on this connection
                s.getOutputStream().write("x\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                StringBuilder echo = new StringBuilder();
                int n;
                while (echo.indexOf("x") < 0 && (n = in.read(line)) >= 0) {
                    echo.append(new String(line, 0, n, StandardCharsets.US_ASCII));
                }
                renegotiated = !java.util.Arrays.equals(firstSession, s.getSession().getId());
            } catch (java.io.IOException refused) {
                renegotiated = false;
            }
            assertFalse(renegotiated, "the server renegotiated at the client's request");
        }
    }

    static void awaitCount(java.util.function.LongSupplier counter, long atLeast) throws InterruptedException {
        for (int i = 0; i < 500 && counter.getAsLong() < atLeast; i++) {
            Thread.sleep(20);
        }
        assertTrue(counter.getAsLong() >= atLeast, "counter " + counter.getAsLong() + " (expected: >= " + atLeast + ")");
    }

    static boolean openSslAvailable() {
        return OpenSsl.isAvailable();
    }
}
