package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.sun.net.httpserver.HttpServer;

import dev.palisade.config.ConfigException;
import dev.palisade.config.TlsConfig;
import dev.palisade.config.TlsConfig.Provider;
import dev.palisade.tls.TestPki.Issued;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

/**
 * OCSP stapling against a real responder: a tiny HTTP server in this test that answers OCSP requests
 * signed with the test CA's key, a listener with {@code ocsp_stapling: true}, and an OpenSSL client that
 * asks for the certificate status. Also what happens when the responder is down, answers garbage or
 * answers about another certificate (nothing is stapled, the handshake still works), a certificate with no
 * OCSP URL, and the JDK provider.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OcspStaplingTest {

    private static final String HOST = "ocsp.test";

    enum Answer { GOOD, GARBAGE, OTHER_CERTIFICATE }

    private static TlsTestNet net;
    private static Issued ca;
    private static HttpServer responder;
    private static final AtomicReference<Answer> ANSWER = new AtomicReference<>(Answer.GOOD);

    @TempDir
    Path dir;
    private TlsTerminator terminator;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(TlsProviders.openSslProblem() == null, "OpenSSL not usable here");
        net = new TlsTestNet();
        ca = TestPki.ca("OCSP Test CA");
        responder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        responder.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = answer(in.readAllBytes());
            } catch (Exception e) {
                body = new byte[0];
            }
            exchange.getResponseHeaders().set("Content-Type", "application/ocsp-response");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        responder.start();
    }

    @AfterAll
    static void stop() {
        if (responder != null) {
            responder.stop(0);
        }
        if (net != null) {
            net.close();
        }
    }

    @AfterEach
    void closeTerminator() {
        ANSWER.set(Answer.GOOD);
        if (terminator != null) {
            terminator.close();
        }
    }

    /** The test CA's answer to an OCSP request: "good", signed, valid for a day; or the configured misbehaviour. */
    private static byte[] answer(byte[] request) throws Exception {
        Answer mode = ANSWER.get();
        if (mode == Answer.GARBAGE) {
            return "<html>this is not OCSP</html>".getBytes(StandardCharsets.US_ASCII);
        }
        Req req = new OCSPReq(request).getRequestList()[0];
        CertificateID id = req.getCertID();
        if (mode == Answer.OTHER_CERTIFICATE) {
            id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(ca.cert()), id.getSerialNumber().add(BigInteger.ONE));
        }
        Instant now = Instant.now();
        BasicOCSPResp basic = new BasicOCSPRespBuilder(new RespID(new X500Name(ca.cert().getSubjectX500Principal().getName())))
                .addResponse(id, CertificateStatus.GOOD, Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key()), null, Date.from(now));
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
    }

    /** A certificate for {@link #HOST} issued by the test CA, naming {@code ocspUrl} in its AIA (null: no AIA). */
    private Issued leafWithAia(String ocspUrl) throws Exception {
        KeyPair kp = TestPki.keys(TestPki.KeyType.EC);
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(ca.cert().getSubjectX500Principal().getName()),
                BigInteger.valueOf(System.nanoTime()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=" + HOST), kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, HOST)));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        if (ocspUrl != null) {
            b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription(
                    X509ObjectIdentifiers.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl))));
        }
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
        Issued leaf = new Issued(kp, cert);
        TestPki.writeCerts(dir.resolve("certs/" + HOST + ".crt"), cert, ca.cert());
        TestPki.writePkcs8(dir.resolve("certs/" + HOST + ".key"), kp.getPrivate());
        return leaf;
    }

    private TlsTerminator terminator(Provider provider) throws ConfigException {
        terminator = TlsTerminator.create("ocsp-test", TlsConfig.builder(dir.resolve("certs")).provider(provider)
                .ocspStapling(true).build());
        return terminator;
    }

    private static String responderUrl() {
        return "http://127.0.0.1:" + responder.getAddress().getPort() + "/ocsp";
    }

    /** The OCSP response the server stapled for a client that asked for it (status_request), or null. */
    private static byte[] stapleSeenByClient(int port) throws Exception {
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).enableOcsp(true)
                .trustManager(ca.cert()).protocols(TlsConfig.SUPPORTED_PROTOCOLS).build();
        TlsTestNet.Result r = net.connect(port, client, HOST);
        try {
            assertEquals(HOST, r.san());
            ReferenceCountedOpenSslEngine engine = (ReferenceCountedOpenSslEngine) r.channel().pipeline()
                    .get(SslHandler.class).engine();
            return engine.getOcspResponse();
        } finally {
            r.channel().close().sync();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(20);
        }
    }

    @Test
    void aClientThatAsksGetsTheResponderAnswerStapled() throws Exception {
        Issued leaf = leafWithAia(responderUrl());
        TlsTerminator t = terminator(Provider.OPENSSL);
        await(() -> t.stapleFor(t.contextFor(HOST)) != null);
        int port = net.serve(t);

        byte[] staple = stapleSeenByClient(port);

        assertNotNull(staple, "no OCSP response stapled");
        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(staple).getResponseObject();
        assertEquals(leaf.cert().getSerialNumber(), basic.getResponses()[0].getCertID().getSerialNumber());
        assertNull(basic.getResponses()[0].getCertStatus(), "expected status good");
        assertArrayEquals(t.stapleFor(t.contextFor(HOST)), staple);
        assertEquals(1, t.counters().ocspFetched());
        assertEquals(0, t.counters().ocspFailed());
    }

    @Test
    void aResponderThatIsDownMeansNoStapleButTheHandshakeWorks() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        leafWithAia("http://127.0.0.1:" + closed + "/ocsp");
        TlsTerminator t = terminator(Provider.OPENSSL);
        await(() -> t.counters().ocspFailed() >= 1);
        int port = net.serve(t);

        assertNull(stapleSeenByClient(port));
        assertNull(t.stapleFor(t.contextFor(HOST)));
        assertEquals(0, t.counters().ocspFetched());
    }

    /** Garbage, or a signed "good" about another serial: nothing stapled, the failure counted. */
    @ParameterizedTest
    @EnumSource(value = Answer.class, names = {"GARBAGE", "OTHER_CERTIFICATE"})
    void anAnswerThatDoesNotCheckOutIsNotStapled(Answer answer) throws Exception {
        ANSWER.set(answer);
        leafWithAia(responderUrl());
        TlsTerminator t = terminator(Provider.OPENSSL);
        await(() -> t.counters().ocspFailed() >= 1);
        int port = net.serve(t);

        assertNull(stapleSeenByClient(port));
        assertEquals(0, t.counters().ocspFetched());
    }

    @Test
    void theCheckRefusesAResponseAboutAnotherCertificateAndSaysWhy() throws Exception {
        Issued leaf = leafWithAia(responderUrl());
        Issued other = TestPki.leaf(ca, TestPki.KeyType.EC, "other.test");
        ANSWER.set(Answer.GOOD);
        byte[] forOther = answer(new org.bouncycastle.cert.ocsp.OCSPReqBuilder().addRequest(new CertificateID(
                new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(ca.cert()), other.cert().getSerialNumber())).build().getEncoded());

        OcspResponder.OcspProblem p = assertThrows(OcspResponder.OcspProblem.class,
                () -> OcspResponder.check(forOther, leaf.cert(), ca.cert(), Instant.now()));
        assertTrue(p.getMessage().contains("another certificate"), p.getMessage());
        OcspResponder.OcspProblem signer = assertThrows(OcspResponder.OcspProblem.class,
                () -> OcspResponder.check(forOther, other.cert(), TestPki.ca("Someone Else").cert(), Instant.now()));
        assertTrue(signer.getMessage().contains("signed by neither"), signer.getMessage());
        OcspResponder.OcspProblem late = assertThrows(OcspResponder.OcspProblem.class,
                () -> OcspResponder.check(forOther, other.cert(), ca.cert(), Instant.now().plus(Duration.ofDays(2))));
        assertTrue(late.getMessage().contains("out of date"), late.getMessage());
    }

    @Test
    void aCertificateWithoutAnOcspUrlIsWarnedAboutAndServed() throws Exception {
        leafWithAia(null);
        TlsTerminator t = terminator(Provider.OPENSSL);

        assertTrue(t.warnings().stream().anyMatch(w -> w.contains(HOST + ".crt") && w.contains("names no http:// OCSP")),
                t.warnings().toString());
        int port = net.serve(t);
        assertNull(stapleSeenByClient(port));
    }

    @Test
    void theJdkProviderIsRefusedWithOcspStapling() throws Exception {
        leafWithAia(responderUrl());

        ConfigException e = assertThrows(ConfigException.class, () -> terminator(Provider.JDK));

        assertTrue(e.getMessage().contains("ocsp_stapling") && e.getMessage().contains("needs the OpenSSL provider"),
                e.getMessage());
    }

    @Test
    void refreshesHalfwayToNextUpdateAndBacksOffWhileFailing() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        OcspResponder.Staple day = new OcspResponder.Staple(new byte[0], now, now.plus(Duration.ofDays(1)), false);
        assertEquals(Duration.ofHours(12), OcspStapling.refreshDelay(day, now));
        OcspResponder.Staple soon = new OcspResponder.Staple(new byte[0], now, now.plusSeconds(30), false);
        assertEquals(Duration.ofMinutes(1), OcspStapling.refreshDelay(soon, now));
        assertEquals(Duration.ofHours(1), OcspStapling.refreshDelay(new OcspResponder.Staple(new byte[0], now, null, false), now));
        assertEquals(List.of(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(10)),
                List.of(OcspStapling.retryDelay(1), OcspStapling.retryDelay(2), OcspStapling.retryDelay(3),
                        OcspStapling.retryDelay(30)));
    }
}
