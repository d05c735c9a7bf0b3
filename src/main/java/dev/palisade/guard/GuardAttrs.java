package dev.palisade.guard;

import dev.palisade.guard.rate.RateLimitStatus;
import dev.palisade.pipeline.Attrs;

/**
 * What the guard's request stages leave in {@link dev.palisade.pipeline.Exchange#attrs()} for the server
 * (response headers) and the log.
 */
public final class GuardAttrs {

    /**
     * Seconds the client should wait, set with every 429 from a rate limit or a ban. The server writes it
     * as {@code Retry-After}.
     */
    public static final Attrs.Key<Long> RETRY_AFTER = Attrs.Key.of("retryAfterSeconds");

    /**
     * The state of the most constrained rate-limit policy the request was counted against. The server may
     * write {@link RateLimitStatus#policyHeader()} as {@code RateLimit-Policy} and
     * {@link RateLimitStatus#header()} as {@code RateLimit}, on the 429 and on forwarded responses.
     */
    public static final Attrs.Key<RateLimitStatus> RATE_LIMIT = Attrs.Key.of("rateLimit");

    /** The policy that was exceeded in detect-only mode (the request went on), for the log. */
    public static final Attrs.Key<String> RATE_LIMIT_DETECTED = Attrs.Key.of("rateLimitDetected");

    private GuardAttrs() {
    }
}
