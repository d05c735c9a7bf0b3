package dev.palisade.config;

/**
 * Where the access log goes.
 *
 * @param access "stdout" (the default), "off", or a file path
 */
public record LogConfig(String access) {

    public static final LogConfig DEFAULTS = new LogConfig("stdout");

    public LogConfig {
        if (access == null || access.isBlank()) {
            throw new IllegalArgumentException("access: empty (expected: stdout, off or a file path)");
        }
    }

    public boolean accessEnabled() {
        return !access.equals("off");
    }

    static LogConfig from(ConfigNode n) {
        String access = n.string("access", "stdout");
        n.finish();
        return n.build(() -> new LogConfig(access), DEFAULTS);
    }
}
