package dev.palisade.rules;

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

/**
 * Calls a reload when a file in the rules directory is created, changed or deleted, once the directory
 * has been quiet for a moment (an editor or a deploy writes several files, or one file in steps). Runs
 * on its own daemon thread, never an event loop; what the reload does with a bad file (refuse it, keep the
 * running rules) is the caller's business.
 */
public final class RuleFilesWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RuleFilesWatcher.class);

    private final Path dir;
    private final WatchService watcher;
    private final long quietMillis;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean closed;

    private RuleFilesWatcher(Path dir, Duration quiet, Runnable onChange) throws IOException {
        this.dir = dir;
        this.quietMillis = quiet.toMillis();
        this.onChange = onChange;
        this.watcher = dir.getFileSystem().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(this::run, "palisade-rules-watch");
        this.thread.setDaemon(true);
    }

    /**
     * Watches {@code dir}, calling {@code onChange} after {@code quiet} without further changes; null when
     * {@code dir} is not a directory or cannot be watched (reload with SIGHUP or the admin API then).
     */
    public static RuleFilesWatcher start(Path dir, Duration quiet, Runnable onChange) {
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        try {
            RuleFilesWatcher w = new RuleFilesWatcher(dir.toAbsolutePath(), quiet, onChange);
            w.thread.start();
            return w;
        } catch (IOException e) {
            log.warn("rule files in {} will not be watched (reload with SIGHUP): {}", dir, e.getMessage());
            return null;
        }
    }

    /** The directory watched. */
    public Path dir() {
        return dir;
    }

    private void run() {
        try {
            while (!closed) {
                WatchKey key = watcher.take();
                key.pollEvents();
                key.reset();
                WatchKey more;
                while ((more = watcher.poll(quietMillis, TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                if (!closed) {
                    log.info("rule files in {} changed: reloading", dir);
                    try {
                        onChange.run();
                    } catch (RuntimeException e) {
                        log.error("reload after a rule file change failed; the running rules stay", e);
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watcher.close();
        } catch (IOException e) {
            log.debug("closing the rule files watcher", e);
        }
        thread.interrupt();
    }
}
