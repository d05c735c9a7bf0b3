package dev.palisade.balance;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bounds retries so they cannot multiply the load on a group that is already failing (Finagle's and
 * Envoy's retry budget): over the last ten seconds, retries may add at most {@code percent} of the
 * requests, plus {@code minPerSecond} per second so a quiet group can still retry.
 *
 * <p>Ten one-second buckets of counters, reused as time moves on. Every request counts into a
 * {@link LongAdder} (no contended cache line on the request path); retries are rare and use a plain
 * atomic. Check and count are not one atomic step, so concurrent retries can overshoot the budget by a
 * few, and a count racing a bucket's reuse can be lost; no lock is taken.
 */
final class RetryBudget {

    static final int BUCKETS = 10;
    private static final long BUCKET_NANOS = 1_000_000_000L;

    private final int percent;
    private final int minPerSecond;
    private final AtomicLongArray epochs = new AtomicLongArray(BUCKETS);
    private final LongAdder[] requests = new LongAdder[BUCKETS];
    private final AtomicLongArray retries = new AtomicLongArray(BUCKETS);

    RetryBudget(int percent, int minPerSecond) {
        this.percent = percent;
        this.minPerSecond = minPerSecond;
        for (int i = 0; i < BUCKETS; i++) {
            epochs.set(i, Long.MIN_VALUE);
            requests[i] = new LongAdder();
        }
    }

    /** Counts a first attempt. */
    void onRequest(long now) {
        requests[bucket(now)].increment();
    }

    /** Takes one retry from the budget; false when it is spent. */
    boolean tryRetry(long now) {
        int b = bucket(now);
        long epoch = Math.floorDiv(now, BUCKET_NANOS);
        long req = 0;
        long ret = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long e = epochs.get(i);
            if (e != Long.MIN_VALUE && epoch - e < BUCKETS) {
                req += requests[i].sum();
                ret += retries.get(i);
            }
        }
        long allowed = (long) minPerSecond * BUCKETS + req * percent / 100;
        if (ret >= allowed) {
            return false;
        }
        retries.incrementAndGet(b);
        return true;
    }

    /** The bucket for {@code now}, emptied first when it last served an older second. */
    private int bucket(long now) {
        long epoch = Math.floorDiv(now, BUCKET_NANOS);
        int i = (int) Math.floorMod(epoch, (long) BUCKETS);
        long e = epochs.get(i);
        if (e != epoch && epochs.compareAndSet(i, e, epoch)) {
            requests[i].reset();
            retries.set(i, 0);
        }
        return i;
    }
}
