package dev.palisade.observe;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * The {@code time} field of log lines: the same text as {@code Instant.now().toString()} (ISO-8601 in
 * UTC, with 0, 3, 6 or 9 fraction digits as needed), with the date and time of day formatted once per
 * second instead of once per line.
 */
final class LogTime {

    /** The whole-second part of the last second formatted, shared by every thread (races only redo work). */
    private record Second(long epochSecond, String text) {
    }

    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    private LogTime() {
    }

    static String format(Instant t) {
        return append(t, new StringBuilder(32)).toString();
    }

    /** Appends the text of {@code t} to {@code b}, without a String in between; returns {@code b}. */
    static StringBuilder append(Instant t, StringBuilder b) {
        long sec = t.getEpochSecond();
        Second s = last;
        if (s.epochSecond() != sec) {
            String full = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(sec));
            s = new Second(sec, full.substring(0, full.length() - 1)); // without the 'Z'
            last = s;
        }
        int nano = t.getNano();
        b.append(s.text());
        if (nano != 0) {
            int digits;
            int value;
            if (nano % 1_000_000 == 0) {
                digits = 3;
                value = nano / 1_000_000;
            } else if (nano % 1000 == 0) {
                digits = 6;
                value = nano / 1000;
            } else {
                digits = 9;
                value = nano;
            }
            b.append('.');
            for (int p = digits == 3 ? 100 : digits == 6 ? 100_000 : 100_000_000; p > value && p > 1; p /= 10) {
                b.append('0');
            }
            b.append(value);
        }
        return b.append('Z');
    }
}
