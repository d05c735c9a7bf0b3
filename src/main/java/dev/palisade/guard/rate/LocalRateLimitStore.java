package dev.palisade.guard.rate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;

import dev.palisade.config.GuardConfig;

/**
 * Bucket4j buckets in this process, one bounded Caffeine cache per policy: at most {@code max_keys}
 * buckets, and a bucket not touched for as long as it takes to fill up again is dropped (it would be full,
 * so nothing is lost). Caffeine's frequency-based admission keeps the hot keys when a flood of new keys
 * pushes on the bound; a key that is dropped anyway starts again with a full bucket.
 */
public final class LocalRateLimitStore implements RateLimitStore {

    /** A limiter that always answers at once. */
    public interface LocalLimiter extends Limiter {
        /** {@link #tryConsume} without the future. */
        Probe consume(String key);
    }

    private final Ticker ticker;
    private final TimeMeter meter;

    public LocalRateLimitStore() {
        this(Ticker.systemTicker());
    }

    /** A store on {@code ticker}, so tests can move time by hand. */
    public LocalRateLimitStore(Ticker ticker) {
        this.ticker = ticker;
        this.meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.read();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    @Override
    public LocalLimiter limiter(GuardConfig.RateLimitPolicy policy) {
        long idleNanos = fillNanos(policy);
        Cache<String, Bucket> buckets = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(policy.maxKeys())
                .expireAfterAccess(idleNanos, TimeUnit.NANOSECONDS)
                .ticker(ticker)
                .build();
        List<Bandwidth> bandwidths = bandwidths(policy);
        return new LocalLimiter() {
            @Override
            public CompletableFuture<Probe> tryConsume(String key) {
                return CompletableFuture.completedFuture(consume(key));
            }

            @Override
            public Probe consume(String key) {
                return probe(buckets.get(key, k -> newBucket(bandwidths)).tryConsumeAndReturnRemaining(1));
            }

            @Override
            public long keys() {
                buckets.cleanUp();
                return buckets.estimatedSize();
            }
        };
    }

    /** The store's answer for a Bucket4j probe (local or remote). */
    public static Probe probe(ConsumptionProbe p) {
        return new Probe(p.isConsumed(), p.getRemainingTokens(), p.isConsumed() ? 0 : p.getNanosToWaitForRefill(),
                p.getNanosToWaitForReset());
    }

    /** The policy's bandwidths as Bucket4j limits, for a local bucket or a remote bucket's configuration. */
    public static List<Bandwidth> bandwidths(GuardConfig.RateLimitPolicy policy) {
        List<Bandwidth> bandwidths = new ArrayList<>();
        for (GuardConfig.Limit l : policy.limits()) {
            bandwidths.add(Bandwidth.builder().capacity(l.burst()).refillGreedy(l.requests(), l.per()).build());
        }
        return bandwidths;
    }

    /** How long a bucket of {@code policy} takes to fill up from empty: it can be forgotten after that. */
    public static long fillNanos(GuardConfig.RateLimitPolicy policy) {
        long idleNanos = TimeUnit.SECONDS.toNanos(1);
        for (GuardConfig.Limit l : policy.limits()) {
            long fill = (long) Math.ceil((double) l.per().toNanos() * l.burst() / l.requests());
            idleNanos = Math.max(idleNanos, fill);
        }
        return idleNanos;
    }

    private Bucket newBucket(List<Bandwidth> bandwidths) {
        LocalBucketBuilder b = Bucket.builder();
        for (Bandwidth bw : bandwidths) {
            b.addLimit(bw);
        }
        return b.withCustomTimePrecision(meter).build();
    }
}
