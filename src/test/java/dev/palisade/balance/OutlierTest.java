package dev.palisade.balance;

import static dev.palisade.balance.Fixtures.get;
import static dev.palisade.balance.Fixtures.index;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.palisade.config.OriginGroupConfig;

/** Passive outlier detection with a fake clock: ejection, backoff growth, return, slow start. */
class OutlierTest {

    private final Fixtures.FakeClock clock = new Fixtures.FakeClock();

    private OriginGroup group(Duration slowStart, int... weights) {
        OriginGroupConfig c = new OriginGroupConfig("app", Fixtures.servers(weights), null, "round_robin", null, slowStart,
                null, new OriginGroupConfig.Outlier(3, Duration.ofSeconds(10), Duration.ofSeconds(40)), null, null, null);
        return new OriginGroup(c, null, clock);
    }

    /** Fails attempts on server {@code s} until {@code n} failures were recorded there. */
    private static void fail(OriginGroup g, int s, int n, FailureKind kind) {
        int done = 0;
        while (done < n) {
            Pick p = g.select(get());
            if (index(p) == s) {
                p.failed(kind);
                done++;
            } else {
                p.done(200);
                p.end();
            }
        }
    }

    private static String state(OriginGroup g, int s) {
        return g.snapshot().servers().get(s).state();
    }

    @Test
    void consecutiveFailuresEjectWithGrowingBackoff() {
        OriginGroup g = group(Duration.ZERO, 1, 1);
        fail(g, 0, 2, FailureKind.CONNECT);
        assertEquals("up", state(g, 0), "two failures are not enough");
        fail(g, 0, 1, FailureKind.TIMEOUT);
        assertEquals("ejected", state(g, 0));
        assertEquals(10_000, g.snapshot().servers().get(0).ejectedForMillis());
        for (int i = 0; i < 100; i++) {
            Pick p = g.select(get());
            assertEquals(1, index(p), "an ejected server is skipped");
            p.end();
        }
        clock.advance(Duration.ofSeconds(10));
        assertEquals("up", state(g, 0));

        long[] expected = {20_000, 40_000, 40_000};
        for (long ms : expected) {
            fail(g, 0, 3, FailureKind.CLOSED);
            assertEquals(ms, g.snapshot().servers().get(0).ejectedForMillis(), "backoff doubles up to max_ejection");
            clock.advanceNanos(Duration.ofMillis(ms).toNanos());
        }
        assertEquals(4, g.snapshot().servers().get(0).ejections());

        // a whole max_ejection period without trouble: the next ejection starts at the base again
        clock.advance(Duration.ofSeconds(41));
        fail(g, 0, 3, FailureKind.CONNECT);
        assertEquals(10_000, g.snapshot().servers().get(0).ejectedForMillis());
    }

    @Test
    void aSuccessBreaksTheRun() {
        OriginGroup g = group(Duration.ZERO, 1);
        for (int round = 0; round < 5; round++) {
            fail(g, 0, 2, FailureKind.CONNECT);
            Pick ok = g.select(get());
            ok.done(200);
            ok.end();
        }
        assertEquals("up", state(g, 0));
    }

    @Test
    void gatewayStatusesCountButAPlain500DoesNot() {
        OriginGroup g = group(Duration.ZERO, 1, 1);
        for (int i = 0; i < 10; i++) {
            Pick p = g.select(get());
            p.done(500);
            p.end();
        }
        assertEquals("up", state(g, 0), "a 500 a client can provoke must not eject");
        int n = 0;
        while (n < 3) {
            Pick p = g.select(get());
            p.done(index(p) == 0 ? 503 : 200);
            n += index(p) == 0 ? 1 : 0;
            p.end();
        }
        assertEquals("ejected", state(g, 0));
    }

    @Test
    void cancelledAttemptsBlameNobody() {
        OriginGroup g = group(Duration.ZERO, 1);
        for (int i = 0; i < 10; i++) {
            g.select(get()).failed(FailureKind.CANCELLED);
            g.select(get()).end();
        }
        assertEquals("up", state(g, 0));
        assertEquals(0, g.snapshot().pending());
        assertEquals(0, g.snapshot().inUse());
    }

    @Test
    void whenEveryServerIsEjectedTheLeastBadOneStillServes() {
        OriginGroup g = group(Duration.ZERO, 1, 1);
        fail(g, 0, 3, FailureKind.CONNECT);
        clock.advance(Duration.ofSeconds(1));
        fail(g, 1, 3, FailureKind.CONNECT);
        assertEquals(2, g.snapshot().count("ejected"));
        Pick p = g.select(get());
        assertFalse(p.refused(), "all down is not a reason to fail every request");
        assertEquals(0, index(p), "the server whose ejection ends first");
        p.end();
    }

    @Test
    void theAllDownFallbackIsLoggedOncePerEpisode() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(OriginGroup.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        logger.addAppender(events);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            OriginGroup g = group(Duration.ZERO, 1);
            fail(g, 0, 3, FailureKind.CONNECT);
            for (int i = 0; i < 10; i++) {
                Pick p = g.select(get());
                assertFalse(p.refused());
                p.end();
            }
            clock.advance(Duration.ofSeconds(10));
            g.select(get()).end();
            long warnings = events.list.stream().filter(e -> e.getFormattedMessage().contains("least bad")).count();
            long back = events.list.stream().filter(e -> e.getFormattedMessage().contains("available again")).count();
            assertEquals(1, warnings);
            assertEquals(1, back);
        } finally {
            logger.setLevel(level);
            logger.detachAppender(events);
        }
    }

    @Test
    void slowStartRampsTheWeightOfAServerComingBack() {
        OriginGroup g = group(Duration.ofSeconds(10), 1, 1);
        fail(g, 0, 3, FailureKind.CONNECT);
        clock.advance(Duration.ofSeconds(10));
        assertEquals("slow_start", state(g, 0));
        // just back: 10 % of its weight
        int[] c = Fixtures.spread(g, 2, 1100);
        assertEquals(100, c[0], 2);
        clock.advance(Duration.ofSeconds(5));
        // half way: 0.5 : 1
        c = Fixtures.spread(g, 2, 1500);
        assertEquals(500, c[0], 2);
        clock.advance(Duration.ofSeconds(5));
        assertEquals("up", state(g, 0));
        c = Fixtures.spread(g, 2, 1000);
        assertEquals(500, c[0], 2);
    }

    @Test
    void activeChecksTakeDownAndBringUpWithRiseAndFall() {
        OriginGroupConfig c = Fixtures.config("round_robin", 1, 1)
                .withHealthCheck(new OriginGroupConfig.HealthCheck("/health", 200, Duration.ofSeconds(1),
                        Duration.ofMillis(500), 2, 3))
                .withSlowStart(Duration.ofSeconds(30));
        OriginGroup g = new OriginGroup(c, null, clock);
        Origin o = g.origins().get(0);
        for (int i = 0; i < 2; i++) {
            assertTrue(o.startCheck());
            g.checked(o, false, "refused");
        }
        assertEquals("up", state(g, 0));
        assertTrue(o.startCheck());
        assertFalse(o.startCheck(), "one check at a time");
        g.checked(o, false, "refused");
        assertEquals("down", state(g, 0));
        for (int i = 0; i < 20; i++) {
            Pick p = g.select(get());
            assertNotEquals(0, index(p));
            p.end();
        }
        o.startCheck();
        g.checked(o, true, "200");
        assertEquals("down", state(g, 0), "rise is 2");
        o.startCheck();
        g.checked(o, true, "200");
        assertEquals("slow_start", state(g, 0));
    }

    @Test
    void passingActiveChecksLiftAnEjection() {
        OriginGroupConfig c = new OriginGroupConfig("app", Fixtures.servers(1, 1), null, "round_robin", null, null,
                new OriginGroupConfig.HealthCheck("/health", 200, Duration.ofSeconds(1), Duration.ofMillis(500), 2, 3),
                new OriginGroupConfig.Outlier(3, Duration.ofSeconds(30), Duration.ofSeconds(30)), null, null, null);
        OriginGroup g = new OriginGroup(c, null, clock);
        Origin o = g.origins().get(0);
        for (int i = 0; i < 5; i++) {
            o.startCheck();
            g.checked(o, true, "200");
        }
        fail(g, 0, 3, FailureKind.CONNECT);
        assertEquals("ejected", state(g, 0), "passes from before the ejection do not count");
        o.startCheck();
        g.checked(o, true, "200");
        assertEquals("ejected", state(g, 0), "one pass is not rise");
        o.startCheck();
        g.checked(o, true, "200");
        assertEquals("up", state(g, 0));
    }
}
