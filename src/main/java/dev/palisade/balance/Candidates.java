package dev.palisade.balance;

/**
 * The servers a policy may choose from for one attempt: a server that is down, ejected, over its cap
 * or already tried for this request is not {@link #ok}. Built by {@link OriginGroup} per attempt.
 */
interface Candidates {

    int size();

    /** True when server {@code i} may be chosen. */
    boolean ok(int i);

    /** Server {@code i}'s weight with slow start applied, > 0. */
    double weight(int i);

    Origin origin(int i);

    /** The time of this attempt, for latency estimates. */
    long now();
}
