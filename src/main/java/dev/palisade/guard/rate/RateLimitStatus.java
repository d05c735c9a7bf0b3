package dev.palisade.guard.rate;

/**
 * A policy's state after a request, for the IETF RateLimit header fields
 * (draft-ietf-httpapi-ratelimit-headers): {@code RateLimit-Policy: "api";q=100;w=1} and
 * {@code RateLimit: "api";r=0;t=1}. The strings are built only when the server asks for them.
 *
 * @param policy        the policy name
 * @param quota         requests allowed per window (of the policy's first bandwidth)
 * @param windowSeconds that bandwidth's window
 * @param remaining     requests left now
 * @param resetSeconds  seconds until the quota is available again
 * @param limited       whether this request was over the limit
 */
public record RateLimitStatus(String policy, long quota, long windowSeconds, long remaining, long resetSeconds,
                              boolean limited) {

    /** The value of the {@code RateLimit-Policy} header. */
    public String policyHeader() {
        return "\"" + policy + "\";q=" + quota + ";w=" + windowSeconds;
    }

    /** The value of the {@code RateLimit} header. */
    public String header() {
        return "\"" + policy + "\";r=" + remaining + ";t=" + resetSeconds;
    }
}
