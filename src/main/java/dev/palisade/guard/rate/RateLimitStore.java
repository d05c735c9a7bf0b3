package dev.palisade.guard.rate;

import java.util.concurrent.CompletableFuture;

import dev.palisade.config.GuardConfig;

/**
 * Where the token buckets live. {@link LocalRateLimitStore} keeps them in this process; a distributed
 * store (Bucket4j over Redis, so several nodes share one allowance) implements the same calls.
 * An implementation must never block an event loop: a local store answers with a completed future; a
 * remote one completes it when the remote side answers (or answers from local state where it can), and
 * must complete it within a bounded time, falling back to local limits when the remote side is slow or
 * unreachable.
 */
public interface RateLimitStore {

    /** The buckets of one policy; called once per policy when the stage is built. */
    Limiter limiter(GuardConfig.RateLimitPolicy policy);

    /** The buckets of one policy, by key. Thread-safe. */
    interface Limiter {

        /**
         * Takes one token from the bucket of {@code key}, creating a full bucket for a new key. The future
         * is complete on return unless the answer has to come from a remote store; it never fails.
         */
        CompletableFuture<Probe> tryConsume(String key);

        /** Keys held right now (approximate). */
        long keys();
    }

    /**
     * The answer of one {@link Limiter#tryConsume}.
     *
     * @param consumed    whether the request fits the policy
     * @param remaining   tokens left after this request (the smallest over the policy's bandwidths)
     * @param nanosToNext when not consumed, how long until a token is available; else 0
     * @param nanosToFull how long until the bucket would be full again
     */
    record Probe(boolean consumed, long remaining, long nanosToNext, long nanosToFull) {}
}
