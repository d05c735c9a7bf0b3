package dev.palisade.config;

import java.time.Duration;

/** Parses durations the way nginx and HAProxy write them: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
public final class Durations {

    private Durations() {
    }

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("duration: empty (expected: a number with ms, s, m, h or d)");
        }
        String s = text.trim();
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 12) {
            throw new IllegalArgumentException("duration: '" + text + "' (expected: a number with ms, s, m, h or d, e.g. 10s)");
        }
        long n = Long.parseLong(s.substring(0, i));
        switch (s.substring(i)) {
            case "ms": return Duration.ofMillis(n);
            case "s": return Duration.ofSeconds(n);
            case "m": return Duration.ofMinutes(n);
            case "h": return Duration.ofHours(n);
            case "d": return Duration.ofDays(n);
            default:
                throw new IllegalArgumentException("duration: '" + text + "' (expected: a number with ms, s, m, h or d, e.g. 10s)");
        }
    }

    /** Formats back to the shortest unit that is exact. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
