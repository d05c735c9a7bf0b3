package dev.palisade.guard;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * At most {@code perSecond} log lines a second for one kind of guard event, so an attack cannot turn the
 * log into a second flood; the lines left out are counted and reported in one line the next second.
 * Thread-safe and allocation-free on the common path.
 */
public final class LogBudget {

    private final int perSecond;
    private final String what;
    private final AtomicLong second = new AtomicLong(Long.MIN_VALUE);
    private final AtomicInteger used = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();

    /** @param what how the summary line names the events, e.g. "bans" */
    public LogBudget(int perSecond, String what) {
        this.perSecond = perSecond;
        this.what = what;
    }

    /** Whether one more line may be logged at {@code nowNanos}; reports what was left out before. */
    public boolean tryAcquire(long nowNanos, Logger log) {
        long s = nowNanos / 1_000_000_000L;
        long seen = second.get();
        if (seen != s && second.compareAndSet(seen, s)) {
            used.set(0);
            int n = skipped.getAndSet(0);
            if (n > 0) {
                log.warn("{} more {} in the previous second were not logged one by one", n, what);
            }
        }
        if (used.incrementAndGet() <= perSecond) {
            return true;
        }
        skipped.incrementAndGet();
        return false;
    }
}
