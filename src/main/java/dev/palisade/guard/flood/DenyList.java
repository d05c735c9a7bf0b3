package dev.palisade.guard.flood;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.config.Cidr;
import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigProblem;

/**
 * The denied addresses: the blocks written in the config plus those in {@code gate.deny_file} (one
 * address or block a line, {@code #} starts a comment). The file is re-read when it changes; a file with
 * a bad line is refused as a whole and the previous list keeps serving, like a bad config on reload.
 *
 * <p>Reading the file is blocking I/O: {@link #reload} and {@link #watch} run on the caller's or the
 * given executor's thread, never on an event loop. Lookups are lock-free.
 */
public final class DenyList {

    private static final Logger log = LoggerFactory.getLogger(DenyList.class);

    private final List<Cidr> fromConfig;
    private final Path file;
    private volatile AddressSet set;
    private volatile FileTime loadedMtime;
    private volatile int fileEntries;

    private DenyList(List<Cidr> fromConfig, Path file, List<Cidr> fromFile, FileTime mtime) {
        this.fromConfig = List.copyOf(fromConfig);
        this.file = file;
        install(fromFile, mtime);
    }

    /** A list with no file. */
    public static DenyList of(List<Cidr> blocks) {
        return new DenyList(blocks, null, List.of(), null);
    }

    /** Reads {@code file} (may be null) now; every bad line is reported with the file and line. */
    public static DenyList load(List<Cidr> blocks, Path file) throws ConfigException {
        if (file == null) {
            return of(blocks);
        }
        FileTime mtime = mtime(file);
        return new DenyList(blocks, file, read(file), mtime);
    }

    public boolean contains(InetAddress address) {
        return set.contains(address);
    }

    /** Entries loaded from the file. */
    public int fileEntries() {
        return fileEntries;
    }

    public Path file() {
        return file;
    }

    /**
     * Re-reads the file. On a problem the old list stays and the exception says what and where.
     * Returns false when there is no file.
     */
    public boolean reload() throws ConfigException {
        if (file == null) {
            return false;
        }
        FileTime mtime = mtime(file);
        install(read(file), mtime);
        log.info("deny file {} loaded: {} entries", file, fileEntries);
        return true;
    }

    /**
     * Checks the file's modification time every {@code period} on {@code executor} and reloads it when it
     * changed. Cancel the returned future to stop.
     */
    public ScheduledFuture<?> watch(ScheduledExecutorService executor, Duration period) {
        long ms = Math.max(100, period.toMillis());
        return executor.scheduleWithFixedDelay(this::reloadIfChanged, ms, ms, TimeUnit.MILLISECONDS);
    }

    void reloadIfChanged() {
        if (file == null) {
            return;
        }
        try {
            FileTime now = Files.getLastModifiedTime(file);
            if (!now.equals(loadedMtime)) {
                reload();
            }
        } catch (IOException e) {
            log.warn("deny file {} cannot be read ({}); keeping the previous {} entries", file, e.toString(), fileEntries);
        } catch (ConfigException e) {
            log.error("deny file {} refused; keeping the previous {} entries:\n{}", file, fileEntries, e.getMessage());
        } catch (RuntimeException e) {
            log.error("deny file {} reload failed", file, e);
        }
    }

    private void install(List<Cidr> fromFile, FileTime mtime) {
        List<Cidr> all = new ArrayList<>(fromConfig);
        all.addAll(fromFile);
        this.set = new AddressSet(all);
        this.fileEntries = fromFile.size();
        this.loadedMtime = mtime;
    }

    private static FileTime mtime(Path file) throws ConfigException {
        try {
            return Files.getLastModifiedTime(file);
        } catch (NoSuchFileException e) {
            throw ConfigException.of(file.toString(), "deny file not found");
        } catch (IOException e) {
            throw ConfigException.of(file.toString(), "cannot read deny file: " + e.getMessage());
        }
    }

    /** Parses a deny file; every bad line becomes a located problem. */
    public static List<Cidr> read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw ConfigException.of(file.toString(), "deny file not found");
        } catch (IOException e) {
            throw ConfigException.of(file.toString(), "cannot read deny file: " + e.getMessage());
        }
        List<Cidr> out = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String s = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (s.isEmpty()) {
                continue;
            }
            try {
                out.add(Cidr.parse(s));
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(file.toString(), i + 1, "", e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return out;
    }
}
