package dev.palisade.pipeline;

/**
 * Phase 4: runs after an origin is chosen, just before the request head is written to it. Unlike a
 * {@link RequestStage}, this one may change the headers that go to the origin (hop-by-hop removal,
 * forwarding headers, the request id). It cannot refuse the request any more.
 */
public interface UpstreamRequestStage {

    default void onUpstreamRequest(Exchange ex, MutableHeaders headers) {
    }
}
