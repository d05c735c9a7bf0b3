package dev.palisade.balance;

/**
 * A peak-sensitive moving average of response latency (Finagle's and Linkerd's "peak EWMA"): a sample
 * above the estimate replaces it at once, a lower one pulls it down with a weight that decays with the
 * time since the last sample. Reads decay the estimate too, so a server that was slow and stopped
 * getting traffic is tried again after a while instead of being starved forever.
 *
 * <p>Updates from several event loops may race; a lost sample only makes the estimate a little older,
 * which is the price of taking no lock.
 */
final class PeakEwma {

    /** The time over which old samples lose most of their weight. */
    static final long DECAY_NANOS = 10_000_000_000L;
    /** The estimate of a server without samples, and the floor of every estimate. */
    static final double FLOOR_NANOS = 1_000;

    private volatile double estimate;
    private volatile long stamp = Long.MIN_VALUE;

    void observe(long rttNanos, long now) {
        double rtt = Math.max(rttNanos, 0);
        double cur = estimate;
        long last = stamp;
        double next;
        if (last == Long.MIN_VALUE || rtt > cur) {
            next = rtt;
        } else {
            double w = Math.exp(-(double) Math.max(0, now - last) / DECAY_NANOS);
            next = cur * w + rtt * (1 - w);
        }
        estimate = next;
        stamp = now;
    }

    /** The estimate at {@code now}, decayed since the last sample. */
    double get(long now) {
        long last = stamp;
        if (last == Long.MIN_VALUE) {
            return FLOOR_NANOS;
        }
        double w = Math.exp(-(double) Math.max(0, now - last) / DECAY_NANOS);
        return Math.max(FLOOR_NANOS, estimate * w);
    }
}
