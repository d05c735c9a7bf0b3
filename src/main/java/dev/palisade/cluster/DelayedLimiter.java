package dev.palisade.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.github.bucket4j.local.SynchronizationStrategy;

import dev.palisade.config.ClusterConfig;
import dev.palisade.config.GuardConfig;
import dev.palisade.guard.rate.LocalRateLimitStore;
import dev.palisade.guard.rate.RateLimitStore;

/**
 * The buckets of one policy with {@code sync: delayed}: this node keeps a copy of each bucket and answers
 * every request from it at once, while the tokens it gave out travel to Redis in the background.
 *
 * <p>A synchronisation sends the tokens taken here since the last one to the Redis bucket (Bucket4j's proxy
 * manager, {@code consumeIgnoringRateLimits}) and sets the copy to what Redis holds afterwards, less the tokens
 * taken here meanwhile. One starts when half of {@code sync_tokens} are waiting, when {@code sync_period} has
 * passed since the last one, and at a key's first request; requests go on being answered from the copy while it
 * is on its way. A node never holds more than {@code sync_tokens} tokens Redis has not heard of: a request that
 * would go past that waits for the synchronisation on its way (the only case where a request waits). So the fleet
 * lets through at most {@code nodes x sync_tokens} more than the policy, and a node alone never more than the policy.
 *
 * <p>A synchronisation that fails or times out is reported to {@link ClusterHealth}; its tokens are not sent
 * again (Redis may have counted them). While the node is on local state the copies are its local buckets.
 * Copies are held in a bounded Caffeine cache, dropped once they would be full again.
 */
final class DelayedLimiter implements RateLimitStore.Limiter {

    private final ClusterNode node;
    private final Function<String, AsyncBucketProxy> remote;
    private final List<Bandwidth> bandwidths;
    private final Cache<String, Copy> copies;
    private final long maxAhead;
    private final long syncAt;
    private final long periodNanos;
    private final long timeoutMillis;

    /** One key's copy; guarded by its own monitor. */
    private static final class Copy {
        final Bucket bucket;
        /** Tokens taken here that no synchronisation has carried yet. */
        long unsent;
        /** Tokens carried by the synchronisation on its way. */
        long sending;
        /** When the last synchronisation started (System.nanoTime). */
        long lastSync;
        /** Whether the copy has had Redis's state once. */
        boolean known;
        /** Completes when the synchronisation on its way is back; null when none is. */
        CompletableFuture<Void> inFlight;

        Copy(Bucket bucket) {
            this.bucket = bucket;
        }
    }

    /**
     * @param remote the Redis bucket of a key (the key as the policy sees it); may throw when Redis is away
     */
    DelayedLimiter(ClusterNode node, ClusterConfig config, GuardConfig.RateLimitPolicy policy,
                   Function<String, AsyncBucketProxy> remote) {
        this.node = node;
        this.remote = remote;
        this.bandwidths = LocalRateLimitStore.bandwidths(policy);
        this.copies = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(policy.maxKeys())
                .expireAfterAccess(LocalRateLimitStore.fillNanos(policy), TimeUnit.NANOSECONDS)
                .build();
        this.maxAhead = config.syncTokens();
        this.syncAt = Math.max(1, (config.syncTokens() + 1) / 2);
        this.periodNanos = config.syncPeriod().toNanos();
        this.timeoutMillis = config.commandTimeout().toMillis();
    }

    @Override
    public CompletableFuture<RateLimitStore.Probe> tryConsume(String key) {
        Copy c = copies.get(key, k -> new Copy(newBucket()));
        if (!node.sharing() || node.buckets() == null) {
            synchronized (c) {
                return CompletableFuture.completedFuture(LocalRateLimitStore.probe(c.bucket.tryConsumeAndReturnRemaining(1)));
            }
        }
        long now = System.nanoTime();
        RateLimitStore.Probe answer;
        CompletableFuture<Void> wait;
        long send = -1;
        synchronized (c) {
            if (c.inFlight != null && c.unsent + c.sending >= maxAhead) {
                answer = null;
                wait = c.inFlight;
            } else {
                wait = null;
                io.github.bucket4j.ConsumptionProbe p = c.bucket.tryConsumeAndReturnRemaining(1);
                if (p.isConsumed()) {
                    c.unsent++;
                }
                answer = LocalRateLimitStore.probe(p);
                if (c.inFlight == null && (!c.known || c.unsent >= syncAt || now - c.lastSync >= periodNanos)) {
                    send = c.unsent;
                    c.sending = send;
                    c.unsent = 0;
                    c.lastSync = now;
                    c.inFlight = new CompletableFuture<>();
                }
            }
        }
        if (send >= 0) {
            synchronise(key, c, send);
        }
        if (answer != null) {
            return CompletableFuture.completedFuture(answer);
        }
        // too far ahead of Redis: this request waits for the synchronisation on its way, then tries again
        return wait.thenCompose(v -> tryConsume(key));
    }

    private void synchronise(String key, Copy c, long tokens) {
        CompletableFuture<? extends VerboseResult<?>> f;
        try {
            AsyncBucketProxy bucket = remote.apply(key);
            f = tokens > 0 ? bucket.asVerbose().consumeIgnoringRateLimits(tokens) : bucket.asVerbose().getAvailableTokens();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((r, e) -> synchronised(c, r, e));
    }

    private void synchronised(Copy c, VerboseResult<?> result, Throwable failure) {
        CompletableFuture<Void> waiting;
        synchronized (c) {
            waiting = c.inFlight;
            c.inFlight = null;
            c.sending = 0;
            if (failure == null) {
                c.known = true;
                // what Redis holds once it hears of the tokens taken here while this synchronisation was away
                long target = result.getDiagnostics().getAvailableTokens() - c.unsent;
                long have = c.bucket.getAvailableTokens();
                if (target > have) {
                    c.bucket.addTokens(target - have);
                } else if (target < have) {
                    c.bucket.consumeIgnoringRateLimits(have - target);
                }
            }
        }
        if (failure == null) {
            node.health().succeeded();
        } else {
            node.failed(failure);
        }
        waiting.complete(null);
    }

    private Bucket newBucket() {
        LocalBucketBuilder b = Bucket.builder().withNanosecondPrecision()
                .withSynchronizationStrategy(SynchronizationStrategy.NONE);
        bandwidths.forEach(b::addLimit);
        return b.build();
    }

    @Override
    public long keys() {
        copies.cleanUp();
        return copies.estimatedSize();
    }
}
