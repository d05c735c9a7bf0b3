package dev.palisade.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteAsyncBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;

import dev.palisade.config.ClusterConfig;
import dev.palisade.config.GuardConfig;
import dev.palisade.guard.rate.LocalRateLimitStore;
import dev.palisade.guard.rate.RateLimitStore;

/**
 * Buckets shared by the fleet, kept in Redis by Bucket4j's Lettuce proxy manager. Each request also takes
 * its token from this node's local bucket, so that on a fall back to local limits a client does not get a
 * fresh allowance; while Redis answers, Redis decides.
 *
 * <p>With {@code sync: exact} the answer is asynchronous: the request waits (the stage returns a pending
 * verdict), the event loop does not. It waits at most {@code command_timeout}; a call that fails or times out
 * is answered by the local bucket and reported to {@link ClusterHealth}, which turns the node to local buckets
 * when failures go on. Bucket4j's batching folds the concurrent requests of one key into one round trip.
 * With {@code sync: delayed}, {@link DelayedLimiter} answers from this node's copy of the bucket at once and
 * synchronises in the background, at the price of the overshoot {@link ClusterConfig.Sync#DELAYED} describes.
 *
 * <p>Bucket proxies (which hold the batching and delay state) are kept per key in a bounded Caffeine cache;
 * Redis keys expire once their bucket would be full again, so neither side grows without limit.
 */
public final class RedisRateLimitStore implements RateLimitStore {

    private static final int MAX_KEY_CHARS = 128;

    private final ClusterNode node;
    private final ClusterConfig config;
    private final LocalRateLimitStore local = new LocalRateLimitStore();

    RedisRateLimitStore(ClusterNode node, ClusterConfig config) {
        this.node = node;
        this.config = config;
    }

    @Override
    public Limiter limiter(GuardConfig.RateLimitPolicy policy) {
        ConfigurationBuilder cb = BucketConfiguration.builder();
        List<Bandwidth> bandwidths = LocalRateLimitStore.bandwidths(policy);
        bandwidths.forEach(cb::addLimit);
        BucketConfiguration bucketConfig = cb.build();
        // the policy's settings as a version: a reload that changes them replaces the buckets' configuration in Redis
        long version = Integer.toUnsignedLong(policy.limits().hashCode());
        String prefix = config.keyPrefix() + "rl:" + policy.name() + ":";
        if (config.sync() == ClusterConfig.Sync.DELAYED) {
            return new DelayedLimiter(node, config, policy, key -> {
                AsyncProxyManager<String> buckets = node.buckets();
                if (buckets == null) {
                    throw new IllegalStateException("not connected to redis");
                }
                return buckets.builder()
                        .withImplicitConfigurationReplacement(version, TokensInheritanceStrategy.PROPORTIONALLY)
                        .build(prefix + redisKey(key), bucketConfig);
            });
        }
        LocalRateLimitStore.LocalLimiter fallback = local.limiter(policy);
        Cache<String, AsyncBucketProxy> proxies = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(policy.maxKeys())
                .expireAfterAccess(LocalRateLimitStore.fillNanos(policy), TimeUnit.NANOSECONDS)
                .build();
        long timeoutMillis = config.commandTimeout().toMillis();
        return new Limiter() {
            @Override
            public CompletableFuture<Probe> tryConsume(String key) {
                Probe mine = fallback.consume(key);
                AsyncProxyManager<String> buckets = node.buckets();
                if (buckets == null || !node.sharing()) {
                    return CompletableFuture.completedFuture(mine);
                }
                CompletableFuture<io.github.bucket4j.ConsumptionProbe> remote;
                try {
                    AsyncBucketProxy bucket = proxies.get(key, k -> build(buckets, prefix + redisKey(k), bucketConfig, version));
                    remote = bucket.tryConsumeAndReturnRemaining(1);
                } catch (RuntimeException e) {
                    node.failed(e);
                    return CompletableFuture.completedFuture(mine);
                }
                if (remote.isDone() && !remote.isCompletedExceptionally()) {
                    return CompletableFuture.completedFuture(LocalRateLimitStore.probe(remote.join()));
                }
                return remote.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).handle((p, e) -> {
                    if (e != null) {
                        node.failed(e);
                        return mine;
                    }
                    node.health().succeeded();
                    return LocalRateLimitStore.probe(p);
                });
            }

            @Override
            public long keys() {
                return fallback.keys();
            }
        };
    }

    private AsyncBucketProxy build(AsyncProxyManager<String> buckets, String key, BucketConfiguration bucketConfig,
                                   long version) {
        RemoteAsyncBucketBuilder<String> b = buckets.builder()
                .withImplicitConfigurationReplacement(version, TokensInheritanceStrategy.PROPORTIONALLY)
                .withOptimization(Optimizations.batching());
        return b.build(key, bucketConfig);
    }

    /** A key as Redis holds it: client-controlled values longer than 128 characters are hashed, so keys stay short. */
    static String redisKey(String key) {
        if (key.length() <= MAX_KEY_CHARS) {
            return key;
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
