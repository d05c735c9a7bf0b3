package dev.palisade.tls;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.config.ConfigException;

/**
 * Reloads a terminator when a file in its certs directory changes. Changes are gathered for a quiet
 * period first, because renewal tools write a certificate and its key one after the other. Runs on its
 * own daemon thread (never an event loop); a refused reload is logged and the old certificates keep
 * serving until the next change. A key_file outside that directory is re-read on each reload but not watched.
 */
public final class CertificateWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CertificateWatcher.class);

    private final TlsTerminator terminator;
    private final WatchService watcher;
    private final long quietMillis;
    private final Thread thread;
    private volatile boolean closed;

    private CertificateWatcher(TlsTerminator terminator, Path dir, Duration quiet) throws IOException {
        this.terminator = terminator;
        this.quietMillis = quiet.toMillis();
        this.watcher = dir.getFileSystem().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(this::run, "palisade-cert-watch");
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching the directory of {@code terminator}'s certs (or the directory holding its certs
     * file), reloading after {@code quiet} without further changes.
     */
    public static CertificateWatcher start(TlsTerminator terminator, Duration quiet) throws IOException {
        Path certs = terminator.config().certs().toAbsolutePath();
        Path dir = Files.isDirectory(certs) ? certs : certs.getParent();
        CertificateWatcher w = new CertificateWatcher(terminator, dir, quiet);
        w.thread.start();
        return w;
    }

    private void run() {
        try {
            while (!closed) {
                WatchKey key = watcher.take();
                drain(key);
                // wait until the directory has been quiet for a while
                WatchKey more;
                while ((more = watcher.poll(quietMillis, TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                reload();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    private void reload() {
        if (closed) {
            return;
        }
        try {
            terminator.reload();
        } catch (ConfigException e) {
            // TlsTerminator.reload already logged the problems
            log.debug("certificate change not applied", e);
        } catch (RuntimeException e) {
            log.error("certificate reload failed unexpectedly; the current certificates keep serving", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watcher.close();
        } catch (IOException e) {
            log.debug("closing the certificate watcher", e);
        }
        thread.interrupt();
    }
}
