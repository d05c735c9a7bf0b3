package dev.palisade.balance;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.palisade.config.HostPort;
import dev.palisade.config.OriginGroupConfig;

/**
 * One server of an origin group and everything the balancer knows about it: requests in flight, the
 * latency estimate, the active health state and the passive ejection state. Shared by every event loop;
 * every field is atomic or volatile and the request path takes no lock.
 *
 * <p>A server configured by DNS name becomes one origin per resolved address; {@link #configured()} is
 * the name it came from.
 */
public final class Origin {

    /** Slow start never sends less than this share of a server's weight. */
    static final double MIN_SLOW_START_FACTOR = 0.1;

    private final HostPort address;
    private final HostPort configured;
    private volatile int weight;

    /** Attempts picked and not yet answered (no response head): the circuit breaker's "pending". */
    final AtomicInteger pending = new AtomicInteger();
    /** Attempts picked and not yet ended: each holds one connection. */
    final AtomicInteger inUse = new AtomicInteger();
    final PeakEwma latency = new PeakEwma();

    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong ejectedUntil = new AtomicLong(Long.MIN_VALUE);
    private volatile int ejections;
    private volatile long lastEjectionEnd = Long.MIN_VALUE;
    /** When the server last came back (health rise or ejection end); drives slow start. */
    private volatile long upSince = Long.MIN_VALUE;

    private volatile boolean healthy = true;
    private volatile int healthStreak;
    private final AtomicInteger checking = new AtomicInteger();

    Origin(HostPort address, HostPort configured, int weight) {
        this.address = address;
        this.configured = configured;
        this.weight = weight;
    }

    /** The address to connect to (an IP literal after DNS resolution). */
    public HostPort address() {
        return address;
    }

    /** The server as written in the config (a name, when it was resolved). */
    public HostPort configured() {
        return configured;
    }

    public int weight() {
        return weight;
    }

    void weight(int w) {
        this.weight = w;
    }

    public int pending() {
        return pending.get();
    }

    public int inUse() {
        return inUse.get();
    }

    public boolean healthy() {
        return healthy;
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public int ejections() {
        return ejections;
    }

    /** Nanos left of the current ejection at {@code now}, 0 when not ejected. */
    public long ejectedFor(long now) {
        long until = ejectedUntil.get();
        return until == Long.MIN_VALUE || now - until >= 0 ? 0 : until - now;
    }

    /** Healthy by the active checks and not ejected by the passive ones. */
    boolean available(long now) {
        return healthy && ejectedFor(now) == 0;
    }

    /** The weight with slow start applied: a server that just came back gets a growing share. */
    double effectiveWeight(long now, long slowStartNanos) {
        int w = weight;
        if (slowStartNanos <= 0) {
            return w;
        }
        long since = upSince;
        if (since == Long.MIN_VALUE) {
            return w;
        }
        long elapsed = now - since;
        if (elapsed >= slowStartNanos) {
            return w;
        }
        double f = elapsed <= 0 ? 0 : (double) elapsed / slowStartNanos;
        return w * Math.max(MIN_SLOW_START_FACTOR, f);
    }

    boolean slowStarting(long now, long slowStartNanos) {
        long since = upSince;
        return slowStartNanos > 0 && since != Long.MIN_VALUE && now - since >= 0 && now - since < slowStartNanos;
    }

    // ---- passive: outlier detection ----

    void recordSuccess() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /**
     * Counts a failure; when it completes a run of {@code o.consecutiveFailures()} the server is ejected
     * for the base time doubled once per earlier ejection, capped at the maximum. A server that stayed
     * in for a whole maximum ejection time since its last one starts again at the base.
     *
     * @return the ejection time in nanos when this call ejected the server, else 0
     */
    long recordFailure(long now, OriginGroupConfig.Outlier o) {
        int f = consecutiveFailures.incrementAndGet();
        if (o.consecutiveFailures() == 0 || f < o.consecutiveFailures()) {
            return 0;
        }
        long until = ejectedUntil.get();
        if (until != Long.MIN_VALUE && now - until < 0) {
            return 0;
        }
        long base = o.baseEjection().toNanos();
        long max = o.maxEjection().toNanos();
        int n = ejections;
        long lastEnd = lastEjectionEnd;
        if (lastEnd != Long.MIN_VALUE && now - lastEnd > max) {
            n = 0;
        }
        long d = base;
        for (int i = 0; i < n && d < max; i++) {
            d *= 2;
        }
        d = Math.min(d, max);
        if (!ejectedUntil.compareAndSet(until, now + d)) {
            return 0;
        }
        ejections = n + 1;
        // passes counted before the ejection do not lift it: rise fresh passes are needed
        healthStreak = Math.min(healthStreak, 0);
        lastEjectionEnd = now + d;
        upSince = now + d;
        consecutiveFailures.set(0);
        return d;
    }

    // ---- active: health checks ----

    /** Forgets the active checks' verdict (they were turned off by a reload). */
    void resetHealth() {
        healthy = true;
        healthStreak = 0;
    }

    /** Claims the right to run one check; false when one is already running. */
    public boolean startCheck() {
        return checking.compareAndSet(0, 1);
    }

    /**
     * The result of one active check (run by one checker at a time, after {@link #startCheck}).
     *
     * A server ejected by outlier detection that then passes {@code rise} checks in a row (counted from
     * the ejection) is let back in at once (as Envoy's {@code successful_active_health_check_uneject_host}): the checks are
     * the better witness that it recovered.
     *
     * @return +1 when this result brought the server up, +2 when it lifted an ejection, -1 when it took
     *         the server down, 0 otherwise
     */
    public int checkResult(boolean ok, int rise, int fall, long now) {
        try {
            int s = healthStreak;
            s = ok ? Math.max(s, 0) + 1 : Math.min(s, 0) - 1;
            healthStreak = s;
            if (healthy && !ok && -s >= fall) {
                healthy = false;
                return -1;
            }
            if (ok && s >= rise && (!healthy || ejectedFor(now) > 0)) {
                boolean wasDown = !healthy;
                long until = ejectedUntil.get();
                if (until != Long.MIN_VALUE && now - until < 0) {
                    ejectedUntil.compareAndSet(until, now);
                    lastEjectionEnd = now;
                }
                healthy = true;
                upSince = now;
                consecutiveFailures.set(0);
                return wasDown ? 1 : 2;
            }
            return 0;
        } finally {
            checking.set(0);
        }
    }

    @Override
    public String toString() {
        return address.equals(configured) ? address.toString() : address + " (" + configured.host() + ")";
    }
}
