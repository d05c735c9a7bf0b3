package dev.palisade.pipeline;

/**
 * How a request ended, for the logging phase.
 *
 * @param status      the status the client got, 0 when the connection was closed without one
 * @param bytesIn     request body bytes read from the client
 * @param bytesOut    response bytes written to the client (body only)
 * @param durationNanos from complete request head to last byte written
 * @param origin      the origin server that answered ("host:port"), empty when none was used
 * @param decidedBy   the stage, rule or error kind that produced the answer, empty when forwarded
 * @param reason      the log-only reason, empty when forwarded
 */
public record Outcome(int status, long bytesIn, long bytesOut, long durationNanos, String origin, String decidedBy,
                      String reason) {

    public Outcome {
        origin = origin == null ? "" : origin;
        decidedBy = decidedBy == null ? "" : decidedBy;
        reason = reason == null ? "" : reason;
    }
}
