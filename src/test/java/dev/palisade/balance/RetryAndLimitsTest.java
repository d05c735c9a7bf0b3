package dev.palisade.balance;

import static dev.palisade.balance.Fixtures.exchange;
import static dev.palisade.balance.Fixtures.get;
import static dev.palisade.balance.Fixtures.index;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.palisade.config.OriginGroupConfig;
import dev.palisade.pipeline.Exchange;

/** Retries (other server, idempotency, attempts, budget) and the circuit-breaker caps. */
class RetryAndLimitsTest {

    private final Fixtures.FakeClock clock = new Fixtures.FakeClock();

    private OriginGroup group(OriginGroupConfig.Retries retries, OriginGroupConfig.Limits limits, int servers) {
        int[] w = new int[servers];
        java.util.Arrays.fill(w, 1);
        OriginGroupConfig c = Fixtures.config("round_robin", w).withRetries(retries).withLimits(limits)
                .withOutlier(new OriginGroupConfig.Outlier(0, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        return new OriginGroup(c, null, clock);
    }

    @Test
    void retryGoesToAServerNotTriedYet() {
        OriginGroup g = group(new OriginGroupConfig.Retries(3, 100, 10), null, 3);
        Exchange ex = get();
        Set<Integer> tried = new HashSet<>();
        Pick p = g.select(ex);
        tried.add(index(p));
        p.failed(FailureKind.CLOSED);
        Pick r1 = g.retry(ex, p);
        assertTrue(tried.add(index(r1)));
        assertEquals(2, r1.attempt());
        r1.failed(FailureKind.TIMEOUT);
        Pick r2 = g.retry(ex, r1);
        assertTrue(tried.add(index(r2)));
        r2.failed(FailureKind.CONNECT);
        assertNull(g.retry(ex, r2), "attempts: 3 used up");
        assertEquals(0, g.snapshot().inUse());
    }

    @Test
    void noOtherServerNoRetry() {
        OriginGroup g = group(new OriginGroupConfig.Retries(5, 100, 10), null, 1);
        Pick p = g.select(get());
        p.failed(FailureKind.CONNECT);
        assertNull(g.retry(get(), p));
    }

    @Test
    void nonIdempotentRequestsOnlyWhenTheOriginNeverGotThem() {
        OriginGroup g = group(new OriginGroupConfig.Retries(2, 100, 10), null, 2);
        Exchange post = exchange("POST", "10.0.0.1", List.of());
        Pick p = g.select(post);
        p.failed(FailureKind.CLOSED);
        assertNull(g.retry(post, p), "a POST the origin may have received is not sent twice");
        Pick q = g.select(post);
        q.failed(FailureKind.CONNECT);
        Pick r = g.retry(post, q);
        assertNotNull(r, "connect failed: the origin never saw it");
        assertNotEquals(index(q), index(r));
        r.end();
    }

    @Test
    void retryNeedsAFailureFirst() {
        OriginGroup g = group(new OriginGroupConfig.Retries(2, 100, 10), null, 2);
        Pick p = g.select(get());
        assertNull(g.retry(get(), p), "not failed yet");
        p.failed(FailureKind.CANCELLED);
        assertNull(g.retry(get(), p), "cancelled by our side: nothing to retry");
    }

    @Test
    void theBudgetBoundsRetriesToAShareOfRequests() {
        OriginGroup g = group(new OriginGroupConfig.Retries(2, 20, 0), null, 2);
        int retried = 0;
        for (int i = 0; i < 1000; i++) {
            Exchange ex = get();
            Pick p = g.select(ex);
            p.failed(FailureKind.CONNECT);
            Pick r = g.retry(ex, p);
            if (r != null) {
                retried++;
                r.done(200);
                r.end();
            }
        }
        assertTrue(retried >= 195 && retried <= 200, "20% of 1000 requests, got " + retried);
    }

    @Test
    void theBudgetFloorLetsAQuietGroupRetryAndTheWindowMovesOn() {
        RetryBudget b = new RetryBudget(20, 3);
        long now = clock.getAsLong();
        int ok = 0;
        for (int i = 0; i < 100; i++) {
            ok += b.tryRetry(now) ? 1 : 0;
        }
        assertEquals(30, ok, "3 per second over the 10 s window");
        assertFalse(b.tryRetry(now + Duration.ofSeconds(5).toNanos()));
        assertTrue(b.tryRetry(now + Duration.ofSeconds(11).toNanos()), "spent retries age out of the window");
    }

    @Test
    void maxPendingPerServerRefusesTheEleventhAtOnce() {
        OriginGroup g = group(null, new OriginGroupConfig.Limits(0, 10, 0, 0), 1);
        List<Pick> stuck = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Pick p = g.select(get());
            assertFalse(p.refused());
            stuck.add(p);
        }
        Pick eleventh = g.select(get());
        assertTrue(eleventh.refused());
        assertNull(eleventh.server());
        assertTrue(eleventh.refusal().contains("cap"), eleventh.refusal());
        eleventh.end();
        stuck.get(0).done(200);
        Pick again = g.select(get());
        assertFalse(again.refused(), "an answered request is no longer pending");
        again.end();
        stuck.forEach(Pick::end);
        assertEquals(0, g.snapshot().pending());
    }

    @Test
    void maxConnectionsPerServerMovesToAnotherThenRefuses() {
        OriginGroup g = group(null, new OriginGroupConfig.Limits(2, 0, 0, 0), 2);
        List<Pick> open = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Pick p = g.select(get());
            assertFalse(p.refused());
            p.done(200);
            open.add(p);
        }
        assertTrue(g.select(get()).refused(), "both servers have 2 connections in use");
        open.get(0).end();
        Pick p = g.select(get());
        assertEquals(index(open.get(0)), index(p));
        p.end();
        open.forEach(Pick::end);
    }

    @Test
    void groupCaps() {
        OriginGroup g = group(null, new OriginGroupConfig.Limits(0, 0, 0, 3), 3);
        List<Pick> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(g.select(get()));
        }
        Pick refused = g.select(get());
        assertTrue(refused.refused());
        assertTrue(refused.refusal().contains("group_max_pending"));
        open.get(1).failed(FailureKind.CONNECT);
        assertNull(g.retry(get(), open.get(0)), "not failed");
        assertFalse(g.select(get()).refused());
    }

    @Test
    void outcomesAreCountedOncePerAttempt() {
        OriginGroup g = group(null, null, 2);
        Pick p = g.select(get());
        p.done(200);
        p.done(200);
        p.failed(FailureKind.CLOSED);
        p.end();
        p.end();
        assertEquals(0, g.snapshot().pending());
        assertEquals(0, g.snapshot().inUse());
        assertEquals(0, g.snapshot().servers().get(index(p)).consecutiveFailures());
    }
}
