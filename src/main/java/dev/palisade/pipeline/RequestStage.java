package dev.palisade.pipeline;

/**
 * Phase 2: runs once the request head is complete, after TLS and the connection gate, before routing
 * and origin selection. Rate limits and the rule engine are request stages.
 *
 * <p>A stage may read the exchange and put facts into {@link Exchange#attrs()}. It may not touch the
 * channel, block, or write to the socket: it returns a {@link Verdict} and the runner acts on it.
 */
public interface RequestStage {

    /** A short name for logs and metrics. */
    default String name() {
        return getClass().getSimpleName();
    }

    Verdict onRequest(Exchange ex);
}
