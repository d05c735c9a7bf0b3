package dev.palisade.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.X509TrustedCertificateBlock;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.EncryptionException;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

import dev.palisade.config.ConfigProblem;

/**
 * What one PEM file holds: certificates in file order and private keys. Reads RSA and EC keys as
 * PKCS#1 / SEC1 ({@code RSA PRIVATE KEY}, {@code EC PRIVATE KEY}), PKCS#8 ({@code PRIVATE KEY}) and
 * encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, and legacy OpenSSL {@code Proc-Type} encryption).
 * Problems are added to a list with the file name, never thrown, so one run reports every bad file.
 */
record PemFile(Path file, List<X509Certificate> certificates, List<PrivateKey> keys) {

    /** BouncyCastle as a private provider instance, for PBE schemes the JDK lacks; never installed globally. */
    static final Provider BC = new BouncyCastleProvider();

    private static final long MAX_FILE_BYTES = 1024 * 1024;

    static PemFile read(Path file, KeyPassword password, List<ConfigProblem> problems) {
        String name = file.toString();
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                problems.add(problem(name, "file is " + size + " bytes (expected: a PEM file under 1 MiB)"));
                return empty(file);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            problems.add(problem(name, "file not found"));
            return empty(file);
        } catch (java.nio.file.AccessDeniedException e) {
            problems.add(problem(name, "permission denied (expected: readable by the user Palisade runs as)"));
            return empty(file);
        } catch (IOException e) {
            problems.add(problem(name, "cannot read: " + e.getMessage()));
            return empty(file);
        }
        // DER starts with a SEQUENCE (0x30) and, for anything as long as a key, a long-form length (>= 0x81)
        if (bytes.length > 1 && bytes[0] == 0x30 && (bytes[1] & 0xff) >= 0x81 && (bytes[1] & 0xff) <= 0x84) {
            problems.add(problem(name, "binary DER, not PEM (expected: text with -----BEGIN ...----- blocks; "
                    + "convert with openssl x509 -inform der -in FILE -out FILE.pem)"));
            return empty(file);
        }
        return parse(file, new String(bytes, StandardCharsets.US_ASCII), password, problems);
    }

    static PemFile parse(Path file, String text, KeyPassword password, List<ConfigProblem> problems) {
        String name = file.toString();
        List<X509Certificate> certs = new ArrayList<>();
        List<PrivateKey> keys = new ArrayList<>();
        int before = problems.size();
        int block = 0;
        try (Reader r = new StringReader(text); PEMParser parser = new PEMParser(r)) {
            Object o;
            while ((o = nextObject(parser, name, block + 1)) != null) {
                block++;
                try {
                    if (o instanceof X509CertificateHolder c) {
                        certs.add(new JcaX509CertificateConverter().getCertificate(c));
                    } else if (o instanceof X509TrustedCertificateBlock t) {
                        certs.add(new JcaX509CertificateConverter().getCertificate(t.getCertificateHolder()));
                    } else if (o instanceof PrivateKeyInfo pki) {
                        keys.add(keyConverter().getPrivateKey(pki));
                    } else if (o instanceof PEMKeyPair kp) {
                        // SEC1 keys may leave out the public key; only the private half is needed
                        keys.add(keyConverter().getPrivateKey(kp.getPrivateKeyInfo()));
                    } else if (o instanceof PKCS8EncryptedPrivateKeyInfo enc) {
                        PrivateKey k = decrypt(enc, name, block, password, problems);
                        if (k != null) {
                            keys.add(k);
                        }
                    } else if (o instanceof PEMEncryptedKeyPair enc) {
                        PrivateKey k = decrypt(enc, name, block, password, problems);
                        if (k != null) {
                            keys.add(k);
                        }
                    }
                    // EC PARAMETERS (from openssl ecparam -genkey) and other harmless blocks are skipped.
                } catch (CertificateException | PEMException | RuntimeException e) {
                    problems.add(problem(name, "PEM block " + block + ": cannot decode: " + reason(e)));
                }
            }
        } catch (PemSyntaxException e) {
            problems.add(problem(name, e.getMessage()));
        } catch (IOException e) {
            problems.add(problem(name, "cannot read: " + reason(e)));
        }
        if (block == 0 && problems.size() == before) {
            problems.add(problem(name, "no PEM certificate or private key found (expected: -----BEGIN CERTIFICATE----- "
                    + "or -----BEGIN PRIVATE KEY----- blocks)"));
        }
        return new PemFile(file, List.copyOf(certs), List.copyOf(keys));
    }

    /** Reads the next block; BouncyCastle reports broken base64 and unknown types as exceptions. */
    private static Object nextObject(PEMParser parser, String name, int block) throws IOException {
        try {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new PemSyntaxException("PEM block " + block + ": not valid PEM: " + reason(e));
        }
    }

    private static PrivateKey decrypt(PKCS8EncryptedPrivateKeyInfo enc, String name, int block, KeyPassword password,
                                      List<ConfigProblem> problems) {
        char[] pw = password.get(name, problems);
        if (pw == null) {
            return null;
        }
        try {
            InputDecryptorProvider d = new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(pw);
            return keyConverter().getPrivateKey(enc.decryptPrivateKeyInfo(d));
        } catch (PKCSException | org.bouncycastle.operator.OperatorCreationException | PEMException e) {
            problems.add(problem(name, "PEM block " + block + ": cannot decrypt the private key: wrong password from "
                    + password.source() + ", or a damaged key"));
            return null;
        } finally {
            java.util.Arrays.fill(pw, '\0');
        }
    }

    private static PrivateKey decrypt(PEMEncryptedKeyPair enc, String name, int block, KeyPassword password,
                                      List<ConfigProblem> problems) {
        char[] pw = password.get(name, problems);
        if (pw == null) {
            return null;
        }
        try {
            return keyConverter().getPrivateKey(enc.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC)
                    .build(pw)).getPrivateKeyInfo());
        } catch (EncryptionException e) {
            problems.add(problem(name, "PEM block " + block + ": cannot decrypt the private key: wrong password from "
                    + password.source() + ", or a damaged key"));
            return null;
        } catch (IOException e) {
            problems.add(problem(name, "PEM block " + block + ": cannot decrypt the private key: " + reason(e)));
            return null;
        } finally {
            java.util.Arrays.fill(pw, '\0');
        }
    }

    /** Keys become JDK key objects, which both the JDK and the OpenSSL provider take. */
    private static JcaPEMKeyConverter keyConverter() {
        return new JcaPEMKeyConverter();
    }

    private static PemFile empty(Path file) {
        return new PemFile(file, List.of(), List.of());
    }

    static ConfigProblem problem(String file, String message) {
        return new ConfigProblem(file, 0, "", message);
    }

    /** A short reason without class names, since these messages are for operators. */
    static String reason(Throwable e) {
        Throwable t = e;
        String msg = t.getMessage();
        while ((msg == null || msg.isBlank()) && t.getCause() != null) {
            t = t.getCause();
            msg = t.getMessage();
        }
        if (msg == null || msg.isBlank()) {
            return t.getClass().getSimpleName();
        }
        // wrapped causes print as "java.security.InvalidKeyException: ..."; operators need only the words
        return CLASS_PREFIX.matcher(msg).replaceAll("");
    }

    private static final java.util.regex.Pattern CLASS_PREFIX =
            java.util.regex.Pattern.compile("(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error): ");

    private static final class PemSyntaxException extends IOException {
        PemSyntaxException(String message) {
            super(message);
        }
    }
}
