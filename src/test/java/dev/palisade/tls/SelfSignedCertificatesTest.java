package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.TlsConfig;

class SelfSignedCertificatesTest {

    @TempDir
    Path dir;

    @Test
    void writesAKeyAndCertificateTheLoaderServes() throws Exception {
        Path certs = dir.resolve("certs");
        List<Path> files = SelfSignedCertificates.write(certs, List.of("localhost", "127.0.0.1", "::1", "*.dev.example"),
                SelfSignedCertificates.DEFAULT_VALIDITY);
        assertEquals(List.of(certs.resolve("localhost.crt"), certs.resolve("localhost.key")), files);
        assertTrue(Files.readString(files.get(1)).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(1))));

        TlsTerminator t = TlsTerminator.create("test", TlsConfig.of(certs));
        ServedCertificate c = t.certificates().get(0);
        X509Certificate x = c.leaf();
        assertEquals(List.of("localhost", "*.dev.example"), c.names());
        assertEquals(List.of("127.0.0.1", "0:0:0:0:0:0:0:1"), CertNames.ipAddresses(x));
        assertEquals(256, ((ECPublicKey) x.getPublicKey()).getParams().getOrder().bitLength());
        long days = Duration.between(x.getNotBefore().toInstant(), x.getNotAfter().toInstant()).toDays();
        assertTrue(days >= 90 && days <= 91, days + " days");
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
        assertEquals(x.getNotAfter().toInstant(), t.earliestExpiry());
        assertEquals(List.of(certs.resolve("localhost.crt") + ": localhost, *.dev.example, 127.0.0.1, 0:0:0:0:0:0:0:1 (EC, key "
                + certs.resolve("localhost.key") + ", expires " + x.getNotAfter().toInstant() + ")"), t.summary());
    }

    @Test
    void ensureWritesOnlyIntoAnEmptyDirectory() throws Exception {
        Path certs = dir.resolve("certs");
        assertEquals(2, SelfSignedCertificates.ensure(certs, List.of("localhost", "127.0.0.1")).size());
        assertEquals(List.of(), SelfSignedCertificates.ensure(certs, List.of("other.example")));
    }

    @Test
    void refusesToOverwriteAndRejectsBadHosts() throws Exception {
        SelfSignedCertificates.write(dir, List.of("a.example"), Duration.ofDays(1));
        assertThrows(FileAlreadyExistsException.class,
                () -> SelfSignedCertificates.write(dir, List.of("a.example"), Duration.ofDays(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SelfSignedCertificates.write(dir, List.of("bad host!"), Duration.ofDays(1)));
        assertTrue(e.getMessage().startsWith("host: 'bad host!'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SelfSignedCertificates.write(dir, List.of(), Duration.ofDays(1)));
    }
}
