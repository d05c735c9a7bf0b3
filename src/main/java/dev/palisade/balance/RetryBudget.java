package dev.palisade.balance;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Bounds retries so they cannot multiply the load on a group that is already failing (Finagle's and
 * Envoy's retry budget): over the last ten seconds, retries may add at most {@code percent} of the
 * requests, plus {@code minPerSecond} per second so a quiet group can still retry.
 *
 * <p>Ten one-second buckets of counters, reused as time moves on. Check and count are not one atomic
 * step, so concurrent retries can overshoot the budget by a few; no lock is taken.
 */
final class RetryBudget {

    static final int BUCKETS = 10;
    private static final long BUCKET_NANOS = 1_000_000_000L;

    private final int percent;
    private final int minPerSecond;
    private final AtomicLongArray epochs = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray requests = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray retries = new AtomicLongArray(BUCKETS);

    RetryBudget(int percent, int minPerSecond) {
        this.percent = percent;
        this.minPerSecond = minPerSecond;
        for (int i = 0; i < BUCKETS; i++) {
            epochs.set(i, Long.MIN_VALUE);
        }
    }

    /** Counts a first attempt. */
    void onRequest(long now) {
        requests.incrementAndGet(bucket(now));
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
                req += requests.get(i);
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
            requests.set(i, 0);
            retries.set(i, 0);
        }
        return i;
    }
}
