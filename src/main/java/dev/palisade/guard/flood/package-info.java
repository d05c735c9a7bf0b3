/**
 * Phase 1, before TLS: {@link dev.palisade.guard.flood.FloodGate} (per-address concurrent and new-connection
 * limits, a global cap, allow and deny lists), {@link dev.palisade.guard.flood.BanList} (escalating bans)
 * and the Netty {@link dev.palisade.guard.flood.GateHandler} that asks the gate once per connection.
 */
package dev.palisade.guard.flood;
