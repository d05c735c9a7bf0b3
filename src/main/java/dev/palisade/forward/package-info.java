/**
 * Everything that talks to origin servers over a channel: the per-event-loop keep-alive pool
 * ({@link dev.palisade.forward.OriginPool}) and the handler that feeds one origin connection's responses
 * to the request using it, plus the background work that keeps the balancer's view of the origins
 * current: {@link dev.palisade.forward.HealthChecker} (active HTTP checks) and
 * {@link dev.palisade.forward.DnsRefresher} (TTL-driven re-resolution), started together per router by
 * {@link dev.palisade.forward.OriginServices}. Nothing here blocks an event loop.
 */
package dev.palisade.forward;
