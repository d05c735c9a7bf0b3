package dev.palisade.cluster;

import static dev.palisade.cluster.ClusterTest.eventually;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import redis.embedded.RedisSentinel;

import dev.palisade.config.ClusterConfig;
import dev.palisade.guard.flood.BanList;
import dev.palisade.guard.rate.RateLimitStore;
import dev.palisade.testing.FreePort;

/**
 * Through Redis Sentinel ({@code redis-sentinel://...#master}), live: a master, a replica and a sentinel (the
 * embedded-redis binary, the sentinel run with {@code --sentinel}). Two nodes share buckets and bans through the
 * master the sentinel names; when the master is stopped, the sentinel promotes the replica and the nodes go back
 * to sharing on it by themselves.
 */
@Timeout(120)
class SentinelTest {

    @Test
    void nodesFollowTheMasterTheSentinelNamesThroughAFailOver() throws Exception {
        int sentinelPort = FreePort.loopback();
        TestRedis master = new TestRedis();
        int masterPort = master.port();
        TestRedis replica = null;
        RedisSentinel sentinel = null;
        try {
            replica = TestRedis.replicaOf(masterPort);
            sentinel = RedisSentinel.newRedisSentinel()
                    .bind("127.0.0.1")
                    .port(sentinelPort)
                    .masterPort(masterPort)
                    .masterName("mymaster")
                    .quorumSize(1)
                    .downAfterMilliseconds(1000)
                    .failOverTimeout(3000)
                    .build();
            sentinel.start();
            String uri = "redis-sentinel://127.0.0.1:" + sentinelPort + "#mymaster";
            try (ClusterNode a = node(uri, "a"); ClusterNode b = node(uri, "b")) {
                RateLimitStore.Limiter[] limiters = DelayedLimiterTest.perMinuteOn(a, b);
                RateLimitStore.Limiter onA = limiters[0];
                long start = System.nanoTime();
                int ok = DelayedLimiterTest.alternate(onA, limiters[1], "k", 120);
                assertTrue(ok >= 100 && ok <= 100 + ClusterTest.refilled(start), "one allowance: " + ok);

                BanList[] lists = ClusterTest.banTravels(a, b, "192.0.2.55");
                BanList onAList = lists[0];
                BanList onBList = lists[1];

                master.stop();
                assertTrue(eventually(() -> !a.sharing() && !b.sharing()), "both fall back while there is no master");
                long waitEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
                while (!(a.sharing() && b.sharing()) && System.nanoTime() < waitEnd) {
                    Thread.sleep(100);
                }
                assertTrue(a.sharing() && b.sharing(), "sharing again on the promoted replica: " + a.status().detail());
                InetAddress other = InetAddress.getByName("192.0.2.56");
                onBList.ban(other, Duration.ofMinutes(5), "after the fail-over");
                assertTrue(eventually(() -> onAList.isBanned(other)), "bans travel through the new master");
                ok = 0;
                for (int i = 0; i < 10; i++) {
                    ok += onA.tryConsume("after").get(5, TimeUnit.SECONDS).consumed() ? 1 : 0;
                }
                assertTrue(ok == 10 && a.status().shared(), "buckets answer from the new master");
            }
        } finally {
            if (sentinel != null) {
                sentinel.stop();
            }
            if (replica != null) {
                replica.stop();
            }
            master.stop();
        }
    }

    private static ClusterNode node(String uri, String id) {
        ClusterNode n = ClusterNode.create(new ClusterConfig(true, uri, null, id, "s:", ClusterConfig.Sync.EXACT, 10,
                Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(500)));
        n.start();
        return n;
    }
}
