package dev.palisade.balance;

import dev.palisade.config.HostPort;

/**
 * One attempt of one request on one server, or a refusal. It feeds what happens back to the balancer
 * exactly once, whatever order the forwarding code reports things in:
 * <ul>
 *   <li>{@link #done(int)} when the origin's response head arrives (latency, outlier success or 502/503/504
 *       failure; the request stops counting as pending);</li>
 *   <li>{@link #failed(FailureKind)} when the attempt failed before a response head; this also ends it;</li>
 *   <li>{@link #end()} when the exchange is over, one way or another (the connection is no longer in use).
 *       Calling it without {@code done} or {@code failed} counts as cancelled: nobody is blamed.</li>
 * </ul>
 * Later calls are ignored. Single-threaded, like the exchange it belongs to.
 */
public final class Pick {

    private final OriginGroup group;
    private final Origin origin;
    private final Pick previous;
    private final int attempt;
    private final long startNanos;
    private final String refusal;
    private boolean answered;
    private boolean ended;
    private FailureKind failure;

    Pick(OriginGroup group, Origin origin, Pick previous, long startNanos) {
        this.group = group;
        this.origin = origin;
        this.previous = previous;
        this.attempt = previous == null ? 1 : previous.attempt + 1;
        this.startNanos = startNanos;
        this.refusal = null;
    }

    private Pick(String refusal) {
        this.group = null;
        this.origin = null;
        this.previous = null;
        this.attempt = 0;
        this.startNanos = 0;
        this.refusal = refusal;
        this.answered = true;
        this.ended = true;
    }

    static Pick refused(String reason) {
        return new Pick(reason);
    }

    /** True when the circuit breaker refused the request: answer 503 at once. */
    public boolean refused() {
        return refusal != null;
    }

    /** Why the request was refused, for the log; null when not refused. */
    public String refusal() {
        return refusal;
    }

    /** The server to connect to (an IP literal when the configured name was resolved). */
    public HostPort server() {
        return origin == null ? null : origin.address();
    }

    public Origin origin() {
        return origin;
    }

    /** 1 for the first attempt of a request, 2 for its first retry, and so on. */
    public int attempt() {
        return attempt;
    }

    /** How this attempt failed, or null. */
    public FailureKind failure() {
        return failure;
    }

    long startNanos() {
        return startNanos;
    }

    /** The origin answered with {@code status}; Palisade may still replace the page, it is still an answer. */
    public void done(int status) {
        if (answered) {
            return;
        }
        answered = true;
        group.onAnswer(this, status);
    }

    /** The attempt failed before a response head; also ends it. */
    public void failed(FailureKind kind) {
        if (answered) {
            if (!ended) {
                end();
            }
            return;
        }
        answered = true;
        ended = true;
        failure = kind;
        group.onFailure(this, kind);
    }

    /** The exchange is over and the connection no longer used by it. */
    public void end() {
        if (ended) {
            return;
        }
        ended = true;
        boolean wasAnswered = answered;
        answered = true;
        group.onEnd(this, wasAnswered);
    }

    /** True when this attempt or an earlier one of the same request went to {@code o}. */
    boolean tried(Origin o) {
        for (Pick p = this; p != null; p = p.previous) {
            if (p.origin == o) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return refusal != null ? "refused: " + refusal : origin + " (attempt " + attempt + ")";
    }
}
