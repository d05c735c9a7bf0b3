package dev.palisade.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The cached log time prints exactly what Instant.toString prints, fraction digits included. */
class LogTimeTest {

    @Test
    void sameTextAsInstantToString() {
        long[][] cases = {
                {1_795_000_000L, 0}, {1_795_000_000L, 5_000_000}, {1_795_000_000L, 5_000},
                {1_795_000_000L, 5}, {1_795_000_000L, 999_999_999}, {1_795_000_001L, 120_000_000},
                {1_795_000_001L, 123_456_000}, {0L, 1}, {-1L, 999_000_000}, {253_402_300_800L, 7_000_000},
        };
        for (long[] c : cases) {
            Instant t = Instant.ofEpochSecond(c[0], c[1]);
            assertEquals(t.toString(), LogTime.format(t), "at " + c[0] + "s " + c[1] + "ns");
        }
    }

    @Test
    void secondChangesBetweenCalls() {
        Instant a = Instant.ofEpochSecond(1_795_000_000L, 1);
        Instant b = Instant.ofEpochSecond(1_795_000_059L, 10_000_000);
        assertEquals(a.toString(), LogTime.format(a));
        assertEquals(b.toString(), LogTime.format(b));
        assertEquals(a.toString(), LogTime.format(a));
    }
}
