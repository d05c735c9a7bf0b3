/**
 * Load balancing and resilience for origin groups. Pure Java: no channel, no I/O; the forwarding code
 * reports what happened and the background checks ({@code forward.HealthChecker},
 * {@code forward.DnsRefresher}) report what they saw.
 *
 * <p>One request, as the server drives it:
 * <pre>
 *   Pick p = group.select(ex);            // policy + health + ejection + caps
 *   if (p.refused()) reject(503, p.refusal());
 *   connect to p.server() ...
 *   p.done(status)                        // response head arrived
 *   p.failed(kind)                        // failed before a response head; then maybe
 *   Pick next = group.retry(ex, p);       //   another server, or null: give up
 *   p.end()                               // exchange over (always; later calls are no-ops)
 * </pre>
 *
 * <p>State: {@link dev.palisade.balance.Origin} holds one server's counters, latency estimate, health
 * and ejection, all atomic; {@link dev.palisade.balance.OriginGroup} swaps its membership whole when DNS
 * changes it; {@link dev.palisade.balance.Router} hands the groups' state to the next configuration on
 * reload. {@link dev.palisade.balance.GroupSnapshot} is the read-only view for logs and metrics.
 *
 * <p>Policies, one small class each, registered by name in {@code Policies}: {@code round_robin}
 * (smooth weighted, nginx), {@code least_outstanding}, {@code p2c_ewma} (power of two choices over a
 * peak-EWMA latency), {@code hash} (consistent hash ring on the client address, a header or a cookie),
 * {@code random} (weighted).
 */
package dev.palisade.balance;
