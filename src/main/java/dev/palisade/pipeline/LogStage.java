package dev.palisade.pipeline;

/**
 * Phase 6: runs once per request when it is over, whatever happened: forwarded, refused by a stage,
 * failed at the origin, or cut off by the client. It must not throw and must not block.
 */
public interface LogStage {

    void onComplete(Exchange ex, Outcome outcome);
}
