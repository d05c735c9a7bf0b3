/**
 * Request rate limits (phase 2): policies from {@code guard.rate_limits}, token buckets behind
 * {@link dev.palisade.guard.rate.RateLimitStore} so a distributed store can replace the local one.
 */
package dev.palisade.guard.rate;
