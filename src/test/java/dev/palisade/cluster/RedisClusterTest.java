package dev.palisade.cluster;

import static dev.palisade.cluster.ClusterTest.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.ClusterConfig;
import dev.palisade.config.GuardConfig;
import dev.palisade.guard.flood.BanList;
import dev.palisade.guard.rate.RateLimitStore;

/**
 * Two nodes on a real three-master Redis Cluster ({@code redis-cluster://} seeds): buckets whose keys live on
 * different masters keep one allowance for the fleet, in both sync modes, and bans and a clear travel over the
 * cluster's pub/sub.
 */
@Timeout(120)
class RedisClusterTest {

    static ClusterNode node(TestRedisCluster redis, String id, ClusterConfig.Sync sync) {
        ClusterNode n = ClusterNode.create(new ClusterConfig(true, redis.uri(), null, id, "c:", sync, 10,
                Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2)));
        n.start();
        return n;
    }

    @Test
    void bucketsOnEveryMasterAndBansOverClusterPubSub() throws Exception {
        try (TestRedisCluster redis = new TestRedisCluster();
             ClusterNode a = node(redis, "a", ClusterConfig.Sync.EXACT);
             ClusterNode b = node(redis, "b", ClusterConfig.Sync.EXACT);
             ClusterNode c = node(redis, "c", ClusterConfig.Sync.DELAYED);
             ClusterNode d = node(redis, "d", ClusterConfig.Sync.DELAYED)) {
            RateLimitStore.Limiter[] exact = DelayedLimiterTest.perMinuteOn(a, b);
            long start = System.nanoTime();
            // keys hashed to different slots, so to different masters
            for (String key : new String[] {"k1", "k2", "k3", "k4"}) {
                int ok = DelayedLimiterTest.alternate(exact[0], exact[1], key, 120);
                assertTrue(ok >= 100 && ok <= 100 + ClusterTest.refilled(start), "exact, key " + key + ": " + ok);
            }

            RateLimitStore.Limiter[] delayed = DelayedLimiterTest.perMinuteOn(c, d);
            start = System.nanoTime();
            int ok = DelayedLimiterTest.alternate(delayed[0], delayed[1], "hot", 200);
            assertTrue(ok >= 100 && ok <= 120 + ClusterTest.refilled(start), "delayed: " + ok);

            BanList[] lists = ClusterTest.banTravels(a, b, "192.0.2.44");
            BanList onAList = lists[0];
            BanList onBList = lists[1];
            InetAddress ip = InetAddress.getByName("192.0.2.44");
            BanList onCList = new BanList(GuardConfig.Bans.DEFAULTS, 64);
            c.shareBans(() -> onCList);
            assertTrue(eventually(() -> onCList.isBanned(ip)), "a node joining loads the ban keys from every master");
            onBList.clear();
            assertTrue(eventually(() -> onAList.size() == 0 && onCList.size() == 0),
                    "the clear reaches the others: a " + onAList.list() + ", c " + onCList.list());
            BanList fresh = new BanList(GuardConfig.Bans.DEFAULTS, 64);
            d.shareBans(() -> fresh);
            Thread.sleep(500);
            assertEquals(0, fresh.size(), "no ban key is left on any master");
        }
    }
}
