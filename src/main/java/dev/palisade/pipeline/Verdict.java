package dev.palisade.pipeline;

/**
 * What a {@link RequestStage} decided. Only the runner in {@code server} turns a verdict into bytes;
 * a stage never writes to the socket.
 */
public sealed interface Verdict permits Verdict.Continue, Verdict.Respond, Verdict.Drop, Verdict.Pending {

    /** The shared instance for "go on with the next stage". */
    Verdict CONTINUE = new Continue();

    /** Go on with the next stage. */
    record Continue() implements Verdict {}

    /**
     * Answer the client with {@code status} and Palisade's short page. {@code reasonForLog} goes to the
     * log only and never reaches the client; {@code ruleId} names the rule or policy that decided, or is null.
     */
    record Respond(int status, String reasonForLog, String ruleId) implements Verdict {
        public Respond {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
            }
            reasonForLog = reasonForLog == null ? "" : reasonForLog;
        }

        public static Respond of(int status, String reasonForLog) {
            return new Respond(status, reasonForLog, null);
        }
    }

    /** Close the connection without a response. */
    record Drop(String reasonForLog) implements Verdict {}

    /**
     * The stage's answer depends on a remote store (distributed rate limits): {@code result} completes with
     * the real verdict, on whatever thread the store answers on. The runner keeps the request waiting
     * (reading paused, nothing forwarded) and goes on with the next stage back on the request's own event
     * loop. A stage returns this only when it cannot answer at once; {@code result} must complete, with a
     * verdict or an exception (which fails the request closed), within a bounded time.
     */
    record Pending(java.util.concurrent.CompletionStage<Verdict> result) implements Verdict {
        public Pending {
            java.util.Objects.requireNonNull(result, "result");
        }
    }

    static Respond respond(int status, String reasonForLog) {
        return Respond.of(status, reasonForLog);
    }
}
