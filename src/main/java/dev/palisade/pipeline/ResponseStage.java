package dev.palisade.pipeline;

/**
 * Phase 5: runs when the origin's response head arrives, before it is written to the client. It may
 * change the response headers (hide the origin, add security headers) and may ask to replace the
 * body with Palisade's own page by returning true from {@link #replaceBody}.
 */
public interface ResponseStage {

    default void onResponse(Exchange ex, int status, MutableHeaders headers) {
    }

    /** Whether the origin's body for {@code status} must be replaced by Palisade's own error page. */
    default boolean replaceBody(Exchange ex, int status) {
        return false;
    }
}
