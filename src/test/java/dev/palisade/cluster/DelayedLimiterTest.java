package dev.palisade.cluster;

import static dev.palisade.cluster.ClusterTest.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.ClusterConfig;
import dev.palisade.config.GuardConfig;
import dev.palisade.guard.rate.RateLimitStore;

/**
 * {@code sync: delayed} against a real Redis: requests are answered from the node's copy at once, Redis hears of
 * them in the background, and two nodes hammering one key from several threads stay within the documented bound.
 */
@Timeout(60)
class DelayedLimiterTest {

    static ClusterNode node(TestRedis redis, String id, int syncTokens) {
        ClusterConfig c = new ClusterConfig(true, redis.uri(), null, id, "t:", ClusterConfig.Sync.DELAYED, syncTokens,
                Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1));
        ClusterNode n = ClusterNode.create(c);
        n.start();
        return n;
    }

    static GuardConfig.RateLimitPolicy perMinute(int n) {
        return GuardConfig.RateLimitPolicy.of("p", List.of(GuardConfig.KeyPart.ADDRESS),
                List.of(GuardConfig.Limit.of(n, Duration.ofMinutes(1))));
    }

    /** {@code tries} requests for {@code key}, alternating between two nodes' limiters; how many were let through. */
    static int alternate(RateLimitStore.Limiter one, RateLimitStore.Limiter other, String key, int tries) throws Exception {
        int ok = 0;
        for (int i = 0; i < tries; i++) {
            ok += (i % 2 == 0 ? one : other).tryConsume(key).get(5, TimeUnit.SECONDS).consumed() ? 1 : 0;
        }
        return ok;
    }

    /** Two nodes with sharing ready, and a 100/min limiter on each. */
    static RateLimitStore.Limiter[] perMinuteOn(ClusterNode a, ClusterNode b) throws Exception {
        assertTrue(eventually(() -> a.sharing() && b.sharing()), "the nodes connect: " + a.status().detail());
        return new RateLimitStore.Limiter[] {a.rateLimitStore().limiter(perMinute(100)), b.rateLimitStore().limiter(perMinute(100))};
    }

    @Test
    void requestsWithinSyncTokensAreAnsweredAtOnceAndReachRedisInTheBackground() throws Exception {
        try (TestRedis redis = new TestRedis(); ClusterNode a = node(redis, "a", 10); ClusterNode b = node(redis, "b", 10)) {
            assertTrue(eventually(() -> a.sharing() && b.sharing()));
            RateLimitStore.Limiter onA = a.rateLimitStore().limiter(perMinute(100));
            RateLimitStore.Limiter onB = b.rateLimitStore().limiter(perMinute(100));
            for (int i = 0; i < 10; i++) {
                CompletableFuture<RateLimitStore.Probe> f = onA.tryConsume("k");
                assertTrue(f.isDone(), "request " + i + " answered without waiting for redis");
                assertTrue(f.join().consumed());
            }
            // b's first request synchronises; once back, b's copy holds what Redis holds: a's 10 tokens are gone
            assertTrue(eventually(() -> {
                RateLimitStore.Probe p = onB.tryConsume("k").join();
                return p.remaining() <= 100 - 10 - 1;
            }), "node b sees the tokens taken on node a");
        }
    }

    @Test
    void twoNodesOnManyThreadsStayWithinSyncTokensPerNode() throws Exception {
        int syncTokens = 10;
        try (TestRedis redis = new TestRedis(); ClusterNode a = node(redis, "a", syncTokens);
             ClusterNode b = node(redis, "b", syncTokens)) {
            assertTrue(eventually(() -> a.sharing() && b.sharing()));
            List<RateLimitStore.Limiter> limiters = List.of(a.rateLimitStore().limiter(perMinute(100)),
                    b.rateLimitStore().limiter(perMinute(100)));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                long start = System.nanoTime();
                List<Future<Integer>> runs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    RateLimitStore.Limiter l = limiters.get(t % 2);
                    runs.add(pool.submit(() -> {
                        int ok = 0;
                        for (int i = 0; i < 150; i++) {
                            ok += l.tryConsume("hot").get(5, TimeUnit.SECONDS).consumed() ? 1 : 0;
                        }
                        return ok;
                    }));
                }
                int ok = 0;
                for (Future<Integer> r : runs) {
                    ok += r.get(30, TimeUnit.SECONDS);
                }
                long refilled = ClusterTest.refilled(start);
                assertTrue(ok >= 100 && ok <= 100 + 2 * syncTokens + refilled,
                        "allowed " + ok + " of 600 tries on a 100/min policy over two nodes");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aNodeOnLocalStateAnswersFromItsCopies() throws Exception {
        TestRedis redis = new TestRedis();
        try (ClusterNode a = node(redis, "a", 10)) {
            assertTrue(eventually(a::sharing));
            RateLimitStore.Limiter l = a.rateLimitStore().limiter(perMinute(5));
            redis.stop();
            int ok = 0;
            for (int i = 0; i < 20; i++) {
                ok += l.tryConsume("k").get(5, TimeUnit.SECONDS).consumed() ? 1 : 0;
            }
            assertEquals(5, ok, "the policy holds on this node alone");
            assertTrue(eventually(() -> !a.sharing()), "the node falls back");
        } finally {
            redis.close();
        }
    }
}
