package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.TlsConfig;
import dev.palisade.tls.TestPki.Issued;
import dev.palisade.tls.TestPki.KeyType;

/** Loading certs/: every key format, pairing, chains, and each bad input with a message naming its file. */
class CertificateLoaderTest {

    private static Issued ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCa() {
        ca = TestPki.ca("Loader CA");
    }

    private CertificateLoader.Loaded load(TlsConfig cfg, Map<String, String> env) throws ConfigException {
        Function<String, String> e = env::get;
        return CertificateLoader.load(cfg, new KeyPassword(cfg, e), Clock.systemUTC());
    }

    private CertificateLoader.Loaded load() throws ConfigException {
        return load(TlsConfig.of(dir), Map.of());
    }

    private ConfigException failure(TlsConfig cfg) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(cfg, Map.of()));
        assertFalse(e.getMessage().contains("\tat "), "no stack trace in: " + e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), "no exception class names in: " + e.getMessage());
        return e;
    }

    private static void assertProblem(ConfigException e, String file, String text) {
        for (ConfigProblem p : e.problems()) {
            if (p.file().endsWith(file) && p.message().contains(text)) {
                return;
            }
        }
        throw new AssertionError("expected a problem in " + file + " saying '" + text + "', got:\n" + e.getMessage());
    }

    @Test
    void readsEveryKeyFormatAndPairsByPublicKey() throws Exception {
        Issued rsa1 = TestPki.leaf(ca, KeyType.RSA, "pkcs1.example");
        Issued ec1 = TestPki.leafWithSec1StyleKey(ca, "sec1.example");
        Issued rsa8 = TestPki.leaf(ca, KeyType.RSA, "pkcs8-rsa.example");
        Issued ec8 = TestPki.leaf(ca, KeyType.EC, "pkcs8-ec.example");
        Issued enc = TestPki.leaf(ca, KeyType.EC, "encrypted.example");
        // names that do not match on purpose: pairing is by public key, not by file name
        TestPki.writeCerts(dir.resolve("1.crt"), rsa1.cert());
        TestPki.writeTraditional(dir.resolve("z1.key"), rsa1.keys());
        TestPki.writeCerts(dir.resolve("2.crt"), ec1.cert());
        TestPki.writeTraditional(dir.resolve("z2.key"), ec1.keys());
        TestPki.writeCerts(dir.resolve("3.pem"), rsa8.cert());
        TestPki.writePkcs8(dir.resolve("z3.pem"), rsa8.key());
        TestPki.writeCerts(dir.resolve("4.cer"), ec8.cert());
        TestPki.writePkcs8(dir.resolve("z4.key"), ec8.key());
        TestPki.writeCerts(dir.resolve("5.crt"), enc.cert());
        TestPki.writeEncryptedPkcs8(dir.resolve("z5.key"), enc.key(), "s3cret pass");
        Files.writeString(dir.resolve("README.txt"), "not read");

        TlsConfig cfg = TlsConfig.builder(dir).keyPasswordEnv("TLS_PW").build();
        CertificateLoader.Loaded l = load(cfg, Map.of("TLS_PW", "s3cret pass"));
        assertEquals(List.of("pkcs1.example", "sec1.example", "pkcs8-rsa.example", "pkcs8-ec.example", "encrypted.example"),
                l.certificates().stream().map(c -> c.names().get(0)).toList());
        assertEquals(dir.resolve("z5.key"), l.certificates().get(4).keyFile());
        assertTrue(l.warnings().isEmpty(), l.warnings().toString());
    }

    @Test
    void sec1KeyWithoutCurveIsReportedNotThrown() throws Exception {
        Issued ec = TestPki.leaf(ca, KeyType.EC, "a.example");
        TestPki.writeCerts(dir.resolve("a.crt"), ec.cert());
        TestPki.writeTraditional(dir.resolve("a.key"), ec.keys());
        assertProblem(failure(TlsConfig.of(dir)), "a.key", "PEM block 1: cannot decode");
    }

    @Test
    void encryptedKeyPasswordFromAFile() throws Exception {
        Issued enc = TestPki.leaf(ca, KeyType.RSA, "a.example");
        TestPki.writeCerts(dir.resolve("a.crt"), enc.cert());
        TestPki.writeEncryptedPkcs8(dir.resolve("a.key"), enc.key(), "from file");
        Path pw = Files.writeString(dir.getParent().resolve(dir.getFileName() + "-pw.txt"), "from file\n");
        assertEquals(1, load(TlsConfig.builder(dir).keyPasswordFile(pw).build(), Map.of()).certificates().size());
    }

    @Test
    void encryptedKeyWithoutOrWithTheWrongPassword() throws Exception {
        Issued enc = TestPki.leaf(ca, KeyType.EC, "a.example");
        TestPki.writeCerts(dir.resolve("a.crt"), enc.cert());
        TestPki.writeEncryptedPkcs8(dir.resolve("a.key"), enc.key(), "right");

        assertProblem(failure(TlsConfig.of(dir)), "a.key", "encrypted and no password source is set");
        assertProblem(failure(TlsConfig.builder(dir).keyPasswordEnv("NOT_SET_ANYWHERE").build()), "a.key",
                "NOT_SET_ANYWHERE is not set");
        ConfigException wrong = assertThrows(ConfigException.class,
                () -> load(TlsConfig.builder(dir).keyPasswordEnv("PW").build(), Map.of("PW", "wrong")));
        assertProblem(wrong, "a.key", "wrong password from the environment variable PW");
        assertFalse(wrong.getMessage().contains("wrong\""), "the password itself is never printed");
    }

    @Test
    void garbageAndBrokenPem() throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "ok.example");
        TestPki.write(dir.resolve("notes.pem"), "hello, this is not a certificate\n");
        TestPki.write(dir.resolve("broken.crt"), "-----BEGIN CERTIFICATE-----\nMIIB!!!!notbase64\n-----END CERTIFICATE-----\n");
        TestPki.write(dir.resolve("cut.crt"), "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAK\n");
        Files.write(dir.resolve("binary.cer"), new byte[] {0x30, (byte) 0x82, 0x01, 0x0a, 0x02});
        TestPki.write(dir.resolve("zero.pem"), "0x30 is also the digit zero\n");

        ConfigException e = failure(TlsConfig.of(dir));
        assertProblem(e, "notes.pem", "no PEM certificate or private key found");
        assertProblem(e, "broken.crt", "PEM block 1");
        assertProblem(e, "cut.crt", "PEM block 1");
        assertProblem(e, "binary.cer", "binary DER, not PEM");
        assertProblem(e, "zero.pem", "no PEM certificate or private key found");
        assertEquals(5, e.problems().size(), e.getMessage());
    }

    @Test
    void keyWithoutCertificateAndCertificateWithoutKey() throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "ok.example");
        TestPki.writePkcs8(dir.resolve("stray.key"), TestPki.keys(KeyType.RSA).getPrivate());
        TestPki.writeCerts(dir.resolve("lonely.crt"), TestPki.leaf(ca, KeyType.EC, "lonely.example").cert());

        ConfigException e = failure(TlsConfig.of(dir));
        assertProblem(e, "stray.key", "private key (RSA 2048 bits) matches no certificate");
        assertProblem(e, "lonely.crt", "has no matching private key");
    }

    @Test
    void chainOutOfOrder() throws Exception {
        Issued inter = TestPki.intermediate(ca, "Intermediate");
        Issued leaf = TestPki.leaf(inter, KeyType.EC, "a.example");
        TestPki.writeCerts(dir.resolve("a.crt"), inter.cert(), leaf.cert());
        TestPki.writePkcs8(dir.resolve("a.key"), leaf.key());

        ConfigException e = failure(TlsConfig.of(dir));
        assertProblem(e, "a.crt", "certificate chain out of order");
        assertEquals(1, e.problems().size(), "the key is not reported as unmatched as well: " + e.getMessage());
    }

    @Test
    void chainIsCompletedFromOtherFilesAndCertbotLayoutWorks() throws Exception {
        Issued inter = TestPki.intermediate(ca, "Intermediate");
        Issued leaf = TestPki.leaf(inter, KeyType.EC, "a.example");
        TestPki.writeCerts(dir.resolve("cert.pem"), leaf.cert());
        TestPki.writeCerts(dir.resolve("chain.pem"), inter.cert());
        TestPki.writeCerts(dir.resolve("fullchain.pem"), leaf.cert(), inter.cert());
        TestPki.writePkcs8(dir.resolve("privkey.pem"), leaf.key());

        CertificateLoader.Loaded l = load();
        assertEquals(1, l.certificates().size());
        assertEquals(dir.resolve("fullchain.pem"), l.certificates().get(0).certFile());
        assertEquals(List.of(leaf.cert(), inter.cert()), l.certificates().get(0).chain());

        Files.delete(dir.resolve("fullchain.pem"));
        l = load();
        assertEquals(List.of(leaf.cert(), inter.cert()), l.certificates().get(0).chain(), "completed from chain.pem");
    }

    @Test
    void expiredAndNotYetValidCertificates() throws Exception {
        Instant now = Instant.now();
        Issued old = TestPki.leaf(ca, KeyType.EC, now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(1)), "old.example");
        Issued early = TestPki.leaf(ca, KeyType.EC, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(60)), "early.example");
        TestPki.writeCerts(dir.resolve("old.crt"), old.cert());
        TestPki.writePkcs8(dir.resolve("old.key"), old.key());
        TestPki.writeCerts(dir.resolve("early.crt"), early.cert());
        TestPki.writePkcs8(dir.resolve("early.key"), early.key());

        ConfigException e = failure(TlsConfig.of(dir));
        assertProblem(e, "old.crt", "expired on");
        assertProblem(e, "early.crt", "is not valid before");
        assertProblem(e, dir.toString(), "no certificate can be served");

        TestPki.serve(dir, ca, KeyType.EC, "fine.example");
        CertificateLoader.Loaded l = load();
        assertEquals(1, l.certificates().size(), "out-of-date certificates are not served by default");
        assertEquals(2, l.warnings().size(), l.warnings().toString());
        assertTrue(l.warnings().get(0).message().contains("not served"), l.warnings().toString());

        l = load(TlsConfig.builder(dir).allowExpired(true).build(), Map.of());
        assertEquals(3, l.certificates().size());
        assertEquals(2, l.outOfDate());
        assertTrue(l.warnings().get(0).message().contains("served anyway"), l.warnings().toString());
    }

    @Test
    void expiringSoonIsAWarning() throws Exception {
        Instant now = Instant.now();
        Issued soon = TestPki.leaf(ca, KeyType.EC, now.minus(Duration.ofDays(80)), now.plus(Duration.ofDays(3)), "soon.example");
        TestPki.writeCerts(dir.resolve("soon.crt"), soon.cert());
        TestPki.writePkcs8(dir.resolve("soon.key"), soon.key());
        CertificateLoader.Loaded l = load();
        assertEquals(1, l.certificates().size());
        assertTrue(l.warnings().get(0).message().contains("expires in"), l.warnings().toString());
    }

    @Test
    void privateKeyReadableByEveryoneIsAWarning() throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        Path key = dir.resolve("a.example.key");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        CertificateLoader.Loaded l = load();
        assertTrue(l.warnings().stream().anyMatch(w -> w.file().equals(key.toString())
                && w.message().contains("readable by every user")), l.warnings().toString());
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        assertTrue(load().warnings().isEmpty());
    }

    @Test
    void missingAndEmptyDirectories() throws Exception {
        assertProblem(failure(TlsConfig.of(dir.resolve("nope"))), "nope", "not found");
        assertProblem(failure(TlsConfig.of(dir)), dir.toString(), "no PEM files in the directory");
        Files.writeString(dir.resolve("README.md"), "only docs here");
        assertProblem(failure(TlsConfig.of(dir)), dir.toString(), "no PEM files in the directory");
    }

    @Test
    void singleFileWithChainAndKey() throws Exception {
        Issued leaf = TestPki.leaf(ca, KeyType.RSA, "one.example");
        Path file = TestPki.write(dir.resolve("bundle.pem"), SelfSignedCertificates.pem(leaf.cert())
                + SelfSignedCertificates.pem(ca.cert()) + SelfSignedCertificates.pem(leaf.key()));
        CertificateLoader.Loaded l = load(TlsConfig.of(file), Map.of());
        assertEquals(List.of(leaf.cert(), ca.cert()), l.certificates().get(0).chain());
    }

    @Test
    void chainFileWithASeparateKeyFileAsNginxDoes() throws Exception {
        Issued leaf = TestPki.leaf(ca, KeyType.EC, "one.example");
        Path chain = TestPki.writeCerts(dir.resolve("tls").resolve("fullchain.pem"), leaf.cert(), ca.cert());
        Path key = TestPki.writePkcs8(dir.resolve("private").resolve("one.key"), leaf.key());
        CertificateLoader.Loaded l = load(TlsConfig.builder(chain).keyFile(key).build(), Map.of());
        assertEquals(key, l.certificates().get(0).keyFile());
        assertProblem(failure(TlsConfig.of(chain)), "fullchain.pem", "has no matching private key");
    }

    @Test
    void opensslStyleSelfSignedCaTrueCertificateIsServed() throws Exception {
        // openssl req -x509 marks its certificate CA:TRUE; it still serves with its key
        Issued self = TestPki.ca("selfsigned.example");
        TestPki.writeCerts(dir.resolve("self.crt"), self.cert());
        TestPki.writePkcs8(dir.resolve("self.key"), self.key());
        TestPki.writeCerts(dir.resolve("client-ca.pem"), TestPki.ca("Some client CA").cert());
        CertificateLoader.Loaded l = load();
        assertEquals(1, l.certificates().size());
        assertEquals(List.of("selfsigned.example"), l.certificates().get(0).names(), "CN stands in when there is no SAN");
    }

    @Test
    void sameNameInTwoFilesIsAWarning() throws Exception {
        TestPki.serve(dir.resolve("x"), ca, KeyType.EC, "a.example");
        Files.move(dir.resolve("x").resolve("a.example.crt"), dir.resolve("1.crt"));
        Files.move(dir.resolve("x").resolve("a.example.key"), dir.resolve("1.key"));
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TlsTerminator t = TlsTerminator.create("test", TlsConfig.of(dir));
        assertEquals(2, t.certificates().size());
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("a.example.crt") && w.contains("is also in")),
                t.warnings().toString());
    }

    @Test
    void renewedCertificateBesideTheOldOneServesTheName() throws Exception {
        Instant now = Instant.now();
        Issued older = TestPki.leaf(ca, KeyType.EC, now.minus(Duration.ofDays(80)), now.plus(Duration.ofDays(10)), "a.example");
        Issued newer = TestPki.leaf(ca, KeyType.EC, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(89)), "a.example");
        // the old files sort first, yet the renewed certificate serves the name
        TestPki.writeCerts(dir.resolve("a-0-old.crt"), older.cert());
        TestPki.writePkcs8(dir.resolve("a-0-old.key"), older.key());
        TestPki.writeCerts(dir.resolve("a-1-new.crt"), newer.cert());
        TestPki.writePkcs8(dir.resolve("a-1-new.key"), newer.key());
        TlsTerminator t = TlsTerminator.create("test", TlsConfig.of(dir));
        assertEquals(newer.cert(), t.certificateFor("a.example").leaf());
        assertTrue(t.warnings().stream().anyMatch(w -> w.contains("a-0-old.crt") && w.contains("a-1-new.crt, which serves it")),
                t.warnings().toString());
    }

    @Test
    void unknownDefaultHostAndUnusableClientCa() throws Exception {
        TestPki.serve(dir, ca, KeyType.EC, "a.example");
        ConfigException e = assertThrows(ConfigException.class,
                () -> TlsTerminator.create("test", TlsConfig.builder(dir).defaultHost("b.example").build()));
        assertTrue(e.problems().get(0).key().equals("default_host"), e.getMessage());

        Path emptyCa = TestPki.write(dir.resolve("ca").resolve("empty.pem"), "");
        e = assertThrows(ConfigException.class, () -> TlsTerminator.create("test", TlsConfig.builder(dir)
                .clientAuth(TlsConfig.ClientAuth.REQUIRED).clientCa(emptyCa).build()));
        assertProblem(e, "empty.pem", "no PEM certificate");
    }
}
