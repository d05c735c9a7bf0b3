package dev.palisade.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.config.ConfigException;
import dev.palisade.config.DirectoryWatcher;

/**
 * Reloads a terminator when a file in its certs directory changes, after a quiet period, because renewal
 * tools write a certificate and its key one after the other. A refused reload is logged and the old
 * certificates keep serving until the next change. A key_file outside that directory is re-read on each
 * reload but not watched.
 */
public final class CertificateWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CertificateWatcher.class);

    private final DirectoryWatcher watcher;

    private CertificateWatcher(DirectoryWatcher watcher) {
        this.watcher = watcher;
    }

    /**
     * Starts watching the directory of {@code terminator}'s certs (or the directory holding its certs
     * file), reloading after {@code quiet} without further changes.
     */
    public static CertificateWatcher start(TlsTerminator terminator, Duration quiet) throws IOException {
        Path certs = terminator.config().certs().toAbsolutePath();
        Path dir = Files.isDirectory(certs) ? certs : certs.getParent();
        return new CertificateWatcher(DirectoryWatcher.start(dir, quiet, "palisade-cert-watch", () -> reload(terminator)));
    }

    private static void reload(TlsTerminator terminator) {
        try {
            terminator.reload();
        } catch (ConfigException e) {
            // TlsTerminator.reload already logged the problems
            log.debug("certificate change not applied", e);
        }
    }

    @Override
    public void close() {
        watcher.close();
    }
}
