package dev.palisade.config;

import java.nio.file.Path;

/**
 * Where the access log and the security-event log go, and how their files rotate.
 *
 * @param access       "stdout" (the default), "off", or a file path
 * @param security     "stdout" (the default), "off", or a file path
 * @param maxFileSize  a log file is rolled when it grows past this many bytes
 * @param maxHistory   rolled files are kept this many days
 * @param totalSizeCap the rolled files of one log together never exceed this many bytes
 */
public record LogConfig(String access, String security, long maxFileSize, int maxHistory, long totalSizeCap) {

    public static final LogConfig DEFAULTS = new LogConfig("stdout", "stdout", 100L << 20, 7, 1L << 30);

    public LogConfig {
        access = destination("access", access);
        security = destination("security", security);
        if (maxFileSize < 1024) {
            throw new IllegalArgumentException("max_file_size: " + maxFileSize + " (expected: at least 1k)");
        }
        if (maxHistory < 1) {
            throw new IllegalArgumentException("max_history: " + maxHistory + " (expected: > 0)");
        }
        if (totalSizeCap < maxFileSize) {
            throw new IllegalArgumentException("total_size_cap: " + totalSizeCap + " (expected: at least max_file_size, "
                    + maxFileSize + ")");
        }
    }

    /** Only the access log's destination; the rest as the defaults. */
    public LogConfig(String access) {
        this(access, DEFAULTS.security(), DEFAULTS.maxFileSize(), DEFAULTS.maxHistory(), DEFAULTS.totalSizeCap());
    }

    private static String destination(String key, String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(key + ": empty (expected: stdout, off or a file path)");
        }
        return v;
    }

    public boolean accessEnabled() {
        return !access.equals("off");
    }

    public boolean securityEnabled() {
        return !security.equals("off");
    }

    /** True when {@code destination} names a file rather than stdout or off. */
    public static boolean isFile(String destination) {
        return !destination.equals("stdout") && !destination.equals("off");
    }

    static LogConfig from(ConfigNode n) {
        return from(n, null);
    }

    static LogConfig from(ConfigNode n, Path base) {
        String access = file(n.string("access", DEFAULTS.access()), base);
        String security = file(n.string("security", DEFAULTS.security()), base);
        long maxFileSize = n.size("max_file_size", 1024, Long.MAX_VALUE, DEFAULTS.maxFileSize());
        long maxHistory = n.number("max_history", 1, 3650, DEFAULTS.maxHistory());
        long cap = n.size("total_size_cap", 1024, Long.MAX_VALUE, DEFAULTS.totalSizeCap());
        n.finish();
        return n.build(() -> new LogConfig(access, security, maxFileSize, (int) maxHistory, cap), DEFAULTS);
    }

    private static String file(String v, Path base) {
        return v == null || !isFile(v) || v.isBlank() ? v : ConfigLoader.resolve(base, v).toString();
    }
}
