package dev.palisade.guard.slow;

/**
 * Fired down the pipeline by the slow-client handlers just before they close the connection, so the
 * server can log it and, for a slow body, try to answer 408 first.
 */
public enum SlowClientEvent {
    /** The request body came in under the minimum rate ({@code guard.slow.min_body_rate}). */
    BODY_TOO_SLOW,
    /** The client left the connection unwritable (did not read) for longer than {@code guard.slow.write_timeout}. */
    SLOW_READER
}
