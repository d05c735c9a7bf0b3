package dev.palisade.balance;

import static dev.palisade.balance.Fixtures.config;
import static dev.palisade.balance.Fixtures.get;
import static dev.palisade.balance.Fixtures.index;
import static dev.palisade.balance.Fixtures.spread;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Each policy spreads 10,000 picks the way it promises. */
class PolicyDistributionTest {

    private final Fixtures.FakeClock clock = new Fixtures.FakeClock();

    private OriginGroup group(String policy, int... weights) {
        return new OriginGroup(config(policy, weights), null, clock);
    }

    @Test
    void roundRobinHonoursWeightsExactly() {
        int[] counts = spread(group("round_robin", 5, 3, 2), 3, 10_000);
        assertArrayEquals(new int[] {5000, 3000, 2000}, counts);
    }

    @Test
    void roundRobinIsSmooth() {
        OriginGroup g = group("round_robin", 5, 1, 1);
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            Pick p = g.select(get());
            order.append((char) ('a' + index(p)));
            p.end();
        }
        assertEquals("aabacaa", order.toString(), "nginx's smooth sequence for 5:1:1");
    }

    @Test
    void roundRobinWithEqualWeightsRotates() {
        assertArrayEquals(new int[] {2500, 2500, 2500, 2500}, spread(group("round_robin", 1, 1, 1, 1), 4, 10_000));
    }

    @Test
    void leastOutstandingAvoidsABusyServer() {
        OriginGroup g = group("least_outstanding", 1, 1, 1);
        // 150 requests in flight spread 50/50/50; then the other two servers answer theirs
        List<Pick> held = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            held.add(g.select(get()));
        }
        held.removeIf(p -> {
            if (index(p) != 0) {
                p.end();
                return true;
            }
            return false;
        });
        assertEquals(50, g.snapshot().servers().get(0).inUse());
        int[] counts = spread(g, 3, 10_000);
        assertEquals(0, counts[0], "a server with 50 outstanding gets nothing while the others have 0");
        assertTrue(Math.abs(counts[1] - counts[2]) < 1000, Arrays.toString(counts));
        held.forEach(Pick::end);
        assertEquals(0, g.snapshot().inUse());
    }

    @Test
    void leastOutstandingBalancesConcurrentRequests() {
        OriginGroup g = group("least_outstanding", 2, 1);
        List<Pick> open = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            open.add(g.select(get()));
        }
        long on0 = open.stream().filter(p -> index(p) == 0).count();
        assertEquals(200, on0, "in-flight requests follow the weights 2:1");
        open.forEach(Pick::end);
    }

    @Test
    void p2cEwmaSendsLessToASlowServer() {
        OriginGroup g = group("p2c_ewma", 1, 1, 1);
        long[] latency = {Duration.ofMillis(100).toNanos(), Duration.ofMillis(5).toNanos(), Duration.ofMillis(5).toNanos()};
        int[] counts = new int[3];
        for (int i = 0; i < 10_000; i++) {
            Pick p = g.select(get());
            int s = index(p);
            counts[s]++;
            clock.advanceNanos(latency[s]);
            p.done(200);
            p.end();
        }
        assertTrue(counts[0] < 1000, "slow server got " + Arrays.toString(counts));
        assertTrue(counts[1] > 4000 && counts[2] > 4000, Arrays.toString(counts));
        assertTrue(g.snapshot().servers().get(0).latencyMillis() > g.snapshot().servers().get(1).latencyMillis());
    }

    @Test
    void p2cEwmaCountsAFastFailureAsSlow() {
        OriginGroup g = group("p2c_ewma", 1, 1);
        int[] counts = new int[2];
        for (int i = 0; i < 10_000; i++) {
            Pick p = g.select(get());
            int s = index(p);
            counts[s]++;
            clock.advance(Duration.ofMillis(2));
            if (s == 0) {
                p.failed(FailureKind.CONNECT);
            } else {
                p.done(200);
                p.end();
            }
        }
        assertTrue(counts[0] < 500, "a server refusing connections fast must not attract traffic: " + Arrays.toString(counts));
    }

    @Test
    void randomIsRoughlyUniform() {
        int[] counts = spread(group("random", 1, 1, 1, 1), 4, 10_000);
        for (int c : counts) {
            assertTrue(c > 2200 && c < 2800, Arrays.toString(counts));
        }
    }

    @Test
    void randomHonoursWeights() {
        int[] counts = spread(group("random", 3, 1), 2, 10_000);
        assertTrue(counts[0] > 7100 && counts[0] < 7900, Arrays.toString(counts));
    }

    @Test
    void hashSpreadsDistinctKeys() {
        OriginGroup g = group("hash", 1, 1, 1, 1, 1);
        int[] counts = new int[5];
        for (int i = 0; i < 10_000; i++) {
            Pick p = g.select(Fixtures.exchange("GET", "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255),
                    List.of()));
            counts[index(p)]++;
            p.end();
        }
        for (int c : counts) {
            assertTrue(c > 1200 && c < 2800, Arrays.toString(counts));
        }
    }
}
