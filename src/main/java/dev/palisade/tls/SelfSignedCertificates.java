package dev.palisade.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.netty.util.NetUtil;

/**
 * Self-signed server certificates for the demo and {@code palisade certs self-signed --host NAME}: an EC
 * P-256 key, one SAN entry per host (IP literals as IP SANs), written as {@code NAME.crt} and a PKCS#8
 * {@code NAME.key} (mode 600) into a directory the certificate loader reads.
 */
public final class SelfSignedCertificates {

    /** The validity the command line uses. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(90);

    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key and its certificate, in memory. */
    public record Generated(PrivateKey key, X509Certificate certificate) {
    }

    private SelfSignedCertificates() {
    }

    /**
     * Writes {@code NAME.crt} and {@code NAME.key} into {@code dir} (created if needed), NAME being the first
     * host. Refuses to overwrite existing files. Each file appears whole (written aside, then moved).
     *
     * @return the certificate file and the key file
     * @throws IllegalArgumentException when a host is neither a DNS name nor an IP address
     */
    public static List<Path> write(Path dir, List<String> hosts, Duration validity) throws IOException {
        Generated g = generate(hosts, validity);
        Files.createDirectories(dir);
        String base = fileName(hosts.get(0));
        Path cert = dir.resolve(base + ".crt");
        Path key = dir.resolve(base + ".key");
        for (Path p : List.of(cert, key)) {
            if (Files.exists(p)) {
                throw new FileAlreadyExistsException(p.toString(), null, "will not overwrite an existing certificate or key");
            }
        }
        // key first: a reload that runs in between sees a key without certificate and keeps the old state
        writeAtomically(key, pem(g.key()), true);
        writeAtomically(cert, pem(g.certificate()), false);
        return List.of(cert, key);
    }

    /**
     * For the demo: writes a self-signed pair for {@code hosts} (90 days) when {@code dir} is missing or holds
     * no PEM file; otherwise leaves it alone.
     *
     * @return the files written, empty when the directory already had certificates
     */
    public static List<Path> ensure(Path dir, List<String> hosts) throws IOException {
        if (Files.isDirectory(dir)) {
            List<dev.palisade.config.ConfigProblem> ignored = new ArrayList<>();
            if (!CertificateLoader.files(dir, ignored).isEmpty()) {
                return List.of();
            }
        }
        return write(dir, hosts, DEFAULT_VALIDITY);
    }

    /** Generates a key pair and a self-signed certificate for {@code hosts}, valid from an hour ago. */
    public static Generated generate(List<String> hosts, Duration validity) {
        if (hosts == null || hosts.isEmpty()) {
            throw new IllegalArgumentException("host: none given (expected: at least one --host NAME)");
        }
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity: " + validity + " (expected: > 0)");
        }
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
            names.add(generalName(h));
        }
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair kp = gen.generateKeyPair();
            String first = hosts.get(0).trim();
            X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN,
                    first.length() <= 64 ? first : first.substring(0, 64));
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject.build(),
                    new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(validity)), subject.build(), kp.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            return new Generated(kp.getPrivate(), cert);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a self-signed certificate: " + PemFile.reason(e), e);
        }
    }

    /** PEM text of a certificate, or of a private key as unencrypted PKCS#8. */
    static String pem(Object o) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            if (o instanceof PrivateKey k) {
                w.writeObject(new JcaPKCS8Generator(k, null));
            } else {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    private static GeneralName generalName(String host) {
        String h = host == null ? "" : host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (NetUtil.isValidIpV4Address(h) || NetUtil.isValidIpV6Address(h)) {
            return new GeneralName(GeneralName.iPAddress, h);
        }
        String wildcard = h.startsWith("*.") ? "*." : "";
        String ascii;
        try {
            ascii = wildcard + IDN.toASCII(h.substring(wildcard.length()), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            ascii = "";
        }
        if (ascii.isEmpty() || ascii.length() > 253 || !DNS_NAME.matcher(ascii).matches()) {
            throw new IllegalArgumentException("host: '" + host + "' (expected: a DNS name such as www.example.com "
                    + "or *.example.com, or an IP address)");
        }
        return new GeneralName(GeneralName.dNSName, ascii);
    }

    private static String fileName(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT).replace("*", "wildcard");
        return h.replaceAll("[^a-z0-9._-]", "_");
    }

    private static void writeAtomically(Path target, String text, boolean secret) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret && target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
