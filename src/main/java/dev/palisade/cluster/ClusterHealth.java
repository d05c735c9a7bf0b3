package dev.palisade.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node shares its buckets and bans through Redis right now, or runs on local state. Requests
 * ask {@link #sharing()} on the hot path (one volatile read); Redis calls report their outcome here. A node
 * falls back when the connection is down, or when Redis has failed (errors or timeouts, no success in
 * between) for {@code fallback_after}; it goes back to sharing only when {@link ClusterNode}'s probe gets
 * an answer. Each change of state is logged once.
 */
final class ClusterHealth {

    private static final Logger log = LoggerFactory.getLogger(ClusterHealth.class);

    private final String node;
    private final String redis;
    private final long fallbackAfterNanos;
    private volatile boolean shared;
    private volatile String detail = "connecting";
    private volatile Instant since = Instant.now();
    /** When the current run of failures began (System.nanoTime), or 0 while Redis answers. */
    private final AtomicLong failingSince = new AtomicLong();
    private final LongAdder errors = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private boolean startLogged;

    ClusterHealth(String node, String redis, Duration fallbackAfter) {
        this.node = node;
        this.redis = redis;
        this.fallbackAfterNanos = fallbackAfter.toNanos();
    }

    boolean sharing() {
        return shared;
    }

    /** A Redis call answered. */
    void succeeded() {
        if (failingSince.get() != 0) {
            failingSince.set(0);
        }
    }

    /**
     * A Redis call failed or timed out. Falls back at once when {@code connectionDown}, else when failures
     * have gone on for {@code fallback_after}.
     */
    void failed(Throwable cause, boolean connectionDown) {
        errors.increment();
        long now = System.nanoTime();
        failingSince.compareAndSet(0, now);
        long began = failingSince.get();
        if (connectionDown || began != 0 && now - began >= fallbackAfterNanos) {
            fallBack(connectionDown ? "connection to redis lost" : "redis failing for "
                    + Duration.ofNanos(now - began).toMillis() + " ms: " + describe(cause));
        }
    }

    /** The probe saw failures last longer than {@code fallback_after}, though no request asked since. */
    void checkFailing() {
        long began = failingSince.get();
        if (shared && began != 0 && System.nanoTime() - began >= fallbackAfterNanos) {
            fallBack("redis failing for more than " + fallbackAfterNanos / 1_000_000 + " ms");
        }
    }

    synchronized void fallBack(String why) {
        if (!shared) {
            return;
        }
        shared = false;
        detail = why;
        since = Instant.now();
        fallbacks.increment();
        log.warn("cluster node {}: {}; rate limits and bans are local to this node until {} answers again", node, why,
                redis);
    }

    /** The first connection attempt failed: the node starts on local state. */
    synchronized void startFailed(Throwable cause) {
        detail = "redis unreachable: " + describe(cause);
        since = Instant.now();
        if (!startLogged) {
            startLogged = true;
            log.warn("cluster node {}: {} at {}; running on local rate limits and bans, retrying in the background",
                    node, detail, redis);
        }
    }

    synchronized void shareAgain() {
        failingSince.set(0);
        if (shared) {
            return;
        }
        shared = true;
        detail = "sharing rate limits and bans";
        since = Instant.now();
        log.info("cluster node {}: connected to {}; sharing rate limits and bans", node, redis);
    }

    String detail() {
        return detail;
    }

    Instant since() {
        return since;
    }

    long errors() {
        return errors.sum();
    }

    long fallbacks() {
        return fallbacks.sum();
    }

    /** A cause in one line, without the exception class names the operator has no use for. */
    static String describe(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        if (m == null || m.isBlank()) {
            return c.getClass().getSimpleName();
        }
        if (m.startsWith("WRONGPASS") || m.startsWith("NOAUTH") || m.contains("invalid username-password")) {
            return "authentication refused (check the password)";
        }
        return m.length() > 200 ? m.substring(0, 200) : m;
    }
}
