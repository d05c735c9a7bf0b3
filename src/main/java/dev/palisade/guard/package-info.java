/**
 * The protection layer in front of everything else: {@link dev.palisade.guard.Guard} builds the connection
 * gate ({@code guard.flood}), the PROXY protocol handler and trusted client address ({@code guard.client}),
 * the slow-client handlers ({@code guard.slow}) and the rate-limit stage ({@code guard.rate}) from
 * {@link dev.palisade.config.GuardConfig}. Every map keyed by something a client controls is a bounded
 * Caffeine cache, or bounded by construction.
 */
package dev.palisade.guard;
