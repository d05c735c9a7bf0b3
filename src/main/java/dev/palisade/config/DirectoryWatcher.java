package dev.palisade.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action when a file in a directory the configuration names (rule files, certificates) is created,
 * changed or deleted, once the directory has been quiet for a moment: an editor, a deploy or a certificate
 * renewal writes several files, or one file in steps. Runs on its own daemon thread, never an event loop;
 * what the action does with a bad file (refuse it, keep what runs) is the caller's business.
 */
public final class DirectoryWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirectoryWatcher.class);

    private final Path dir;
    private final WatchService watcher;
    private final long quietMillis;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean closed;

    private DirectoryWatcher(Path dir, Duration quiet, String name, Runnable onChange) throws IOException {
        this.dir = dir;
        this.quietMillis = quiet.toMillis();
        this.onChange = onChange;
        this.watcher = dir.getFileSystem().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Watches {@code dir} on a thread called {@code name}, running {@code onChange} after {@code quiet}
     * without further changes.
     */
    public static DirectoryWatcher start(Path dir, Duration quiet, String name, Runnable onChange) throws IOException {
        DirectoryWatcher w;
        try {
            w = new DirectoryWatcher(dir.toAbsolutePath(), quiet, name, onChange);
        } catch (UnsupportedOperationException e) {
            // a directory inside the jar (the shipped rules): it cannot change, and cannot be watched
            throw new IOException(dir + " is not on a file system that can be watched");
        }
        w.thread.start();
        return w;
    }

    /** The directory watched, absolute. */
    public Path dir() {
        return dir;
    }

    private void run() {
        try {
            while (!closed) {
                drain(watcher.take());
                WatchKey more;
                while ((more = watcher.poll(quietMillis, TimeUnit.MILLISECONDS)) != null) {
                    drain(more);
                }
                if (!closed) {
                    try {
                        onChange.run();
                    } catch (RuntimeException e) {
                        log.error("acting on a change in {} failed; what runs stays", dir, e);
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    @Override
    public void close() {
        closed = true;
        try {
            watcher.close();
        } catch (IOException e) {
            log.debug("closing the watcher of {}", dir, e);
        }
        thread.interrupt();
    }
}
