package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.TlsConfig;
import dev.palisade.tls.TestPki.Issued;
import dev.palisade.tls.TestPki.KeyType;

class CertificateWatcherTest {

    @TempDir
    Path dir;

    private static BigInteger served(TlsTerminator t) {
        return t.certificates().get(0).leaf().getSerialNumber();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aChangedCertificateIsPickedUpAndABrokenOneIsNot() throws Exception {
        Issued ca = TestPki.ca("Watch CA");
        Issued first = TestPki.serve(dir, ca, KeyType.EC, "a.example");
        TlsTerminator t = TlsTerminator.create("test", TlsConfig.of(dir));
        CertificateWatcher watcher = CertificateWatcher.start(t, Duration.ofMillis(200));
        try {
            Files.delete(dir.resolve("a.example.crt"));
            Files.delete(dir.resolve("a.example.key"));
            Issued second = TestPki.serve(dir, ca, KeyType.EC, "a.example");
            while (!served(t).equals(second.cert().getSerialNumber())) {
                Thread.sleep(50);
            }

            TestPki.write(dir.resolve("zz-broken.pem"), "garbage");
            TestPki.serve(dir, ca, KeyType.EC, "b.example");
            // a broken directory is refused as a whole: b.example never appears while zz-broken.pem is there
            Thread.sleep(1000);
            assertEquals(1, t.certificates().size());
            assertEquals(second.cert().getSerialNumber(), served(t));

            Files.delete(dir.resolve("zz-broken.pem"));
            while (t.certificates().size() != 2) {
                Thread.sleep(50);
            }
        } finally {
            watcher.close();
        }
        assertEquals(first.cert().getIssuerX500Principal(), t.certificates().get(0).leaf().getIssuerX500Principal());
    }
}
