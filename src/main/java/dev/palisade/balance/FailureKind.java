package dev.palisade.balance;

import dev.palisade.pipeline.ErrorKind;

/**
 * How one attempt on an origin server failed. It decides whether a retry is allowed (only
 * {@link #CONNECT} proves the origin never received the request) and feeds outlier detection.
 */
public enum FailureKind {
    /** Could not connect, or the connect timed out: the origin never received the request. */
    CONNECT,
    /** The request was sent and no response head came within the response-header timeout. */
    TIMEOUT,
    /** The connection closed or was reset after the request was sent, before a response head. */
    CLOSED,
    /** The origin sent something that is not a valid HTTP response. */
    PROTOCOL,
    /** The client went away or Palisade gave up for its own reasons: not the origin's fault, not counted. */
    CANCELLED;

    /** True when the failure counts against the server (outlier detection, latency penalty). */
    public boolean blamesOrigin() {
        return this != CANCELLED;
    }

    /**
     * The kind for a failure the forwarding code classified as {@code kind}; {@code requestSent} tells
     * whether any byte of the request was written to the origin connection.
     */
    public static FailureKind of(ErrorKind kind, boolean requestSent) {
        if (!requestSent) {
            return CONNECT;
        }
        switch (kind) {
            case ORIGIN_TIMEOUT:
                return TIMEOUT;
            case ORIGIN_PROTOCOL:
                return PROTOCOL;
            case ORIGIN_CONNECT:
            case ORIGIN_CLOSED:
                // once bytes went out, the origin may have read them
                return CLOSED;
            default:
                return CANCELLED;
        }
    }
}
