package dev.palisade.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates and keys made on the spot for tests, so no fixture ever expires. */
final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(1000);

    enum KeyType { EC, RSA }

    /** A key and its certificate; for a CA, the issuer of others. */
    record Issued(KeyPair keys, X509Certificate cert) {
        PrivateKey key() {
            return keys.getPrivate();
        }
    }

    private TestPki() {
    }

    static KeyPair keys(KeyType type) {
        try {
            if (type == KeyType.RSA) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Issued ca(String cn) {
        KeyPair kp = keys(KeyType.EC);
        return new Issued(kp, build("CN=" + cn, kp, null, List.of(), true, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30))));
    }

    static Issued intermediate(Issued ca, String cn) {
        KeyPair kp = keys(KeyType.EC);
        return new Issued(kp, build("CN=" + cn, kp, ca, List.of(), true, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30))));
    }

    static Issued leaf(Issued issuer, KeyType type, String... names) {
        return leaf(issuer, type, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), names);
    }

    /** EC keys as OpenSSL writes them in SEC1 form: curve named and public key included (BouncyCastle's encoding). */
    static Issued leafWithSec1StyleKey(Issued issuer, String... names) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", PemFile.BC);
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            return new Issued(kp, build("CN=" + names[0], kp, issuer, List.of(names), false,
                    Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Issued leaf(Issued issuer, KeyType type, Instant from, Instant until, String... names) {
        KeyPair kp = keys(type);
        return new Issued(kp, build("CN=" + names[0], kp, issuer, List.of(names), false, from, until));
    }

    private static X509Certificate build(String subject, KeyPair kp, Issued issuer, List<String> names, boolean ca,
                                         Instant from, Instant until) {
        try {
            X500Name issuerName = new X500Name(issuer == null ? subject : issuer.cert().getSubjectX500Principal().getName());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(until), new X500Name(subject),
                    kp.getPublic());
            if (!names.isEmpty()) {
                List<GeneralName> gn = new ArrayList<>();
                for (String n : names) {
                    gn.add(Character.isDigit(n.charAt(0)) ? new GeneralName(GeneralName.iPAddress, n)
                            : new GeneralName(GeneralName.dNSName, n));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn.toArray(new GeneralName[0])));
            }
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            PrivateKey signer = issuer == null ? kp.getPrivate() : issuer.key();
            String alg = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Certificates in the order given. */
    static Path writeCerts(Path file, X509Certificate... certs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certs) {
            sb.append(SelfSignedCertificates.pem(c));
        }
        return write(file, sb.toString());
    }

    /** PKCS#8, "BEGIN PRIVATE KEY". */
    static Path writePkcs8(Path file, PrivateKey key) throws IOException {
        return secret(write(file, SelfSignedCertificates.pem(key)));
    }

    /** Keys are written as operators should keep them: readable by the owner only. */
    static Path secret(Path file) throws IOException {
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** PKCS#1 for RSA ("BEGIN RSA PRIVATE KEY") or SEC1 for EC ("BEGIN EC PRIVATE KEY"). */
    static Path writeTraditional(Path file, KeyPair kp) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(kp);
        }
        return secret(write(file, sw.toString()));
    }

    /** Encrypted PKCS#8, "BEGIN ENCRYPTED PRIVATE KEY", AES-256-CBC under PBKDF2. */
    static Path writeEncryptedPkcs8(Path file, PrivateKey key, String password) throws IOException {
        try {
            StringWriter sw = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
                w.writeObject(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setProvider(PemFile.BC).setPassword(password.toCharArray()).build()));
            }
            return secret(write(file, sw.toString()));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException(e);
        }
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    /** A chain and key pair for {@code names}, written as NAME.crt (chain) and NAME.key (PKCS#8) in dir. */
    static Issued serve(Path dir, Issued ca, KeyType type, String... names) throws IOException {
        Issued leaf = leaf(ca, type, names);
        String base = names[0].replace("*", "wildcard");
        writeCerts(dir.resolve(base + ".crt"), leaf.cert());
        writePkcs8(dir.resolve(base + ".key"), leaf.key());
        return leaf;
    }
}
