package dev.palisade.balance;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.config.Cidr;
import dev.palisade.config.HostPort;
import dev.palisade.config.OriginGroupConfig;
import dev.palisade.pipeline.Exchange;

/**
 * The servers of one origin group, the policy that picks one per attempt, and the resilience around it:
 * servers that are down (active checks) or ejected (outlier detection) are skipped, caps refuse what
 * would overload a server, retries go to a server not tried yet within a budget. Shared by every event
 * loop: the request path reads a volatile membership and updates atomics, never a lock.
 *
 * <p>When every server is down or ejected the group does not fail everything: it picks the least bad
 * one (a server the health checks still accept, else the one whose ejection ends first) and says so in
 * the log once per episode.
 */
public final class OriginGroup {

    private static final Logger log = LoggerFactory.getLogger(OriginGroup.class);
    /** The latency recorded for a failed attempt, so P2C-EWMA does not mistake a fast failure for speed. */
    static final long FAILURE_PENALTY_NANOS = 1_000_000_000L;

    /** One fixed list of servers and the policy built for it; replaced whole when DNS changes the list. */
    private record Members(Origin[] origins, Policy policy) {}

    private final OriginGroupConfig config;
    private final LongSupplier clock;
    private final long slowStartNanos;
    private final RetryBudget budget;
    private final AtomicInteger pending;
    private final AtomicInteger inUse;
    private final AtomicBoolean allDown = new AtomicBoolean();
    private final Map<HostPort, ResolvedName> names = new ConcurrentHashMap<>();
    private volatile Members members;

    public OriginGroup(OriginGroupConfig config) {
        this(config, null, System::nanoTime);
    }

    /**
     * @param previous the group of the same name before a reload, or null: servers still configured keep
     *                 their health, ejection, latency and in-flight counts, and resolved names their addresses
     * @param clock    {@link System#nanoTime()} in production, a fake clock in tests
     */
    public OriginGroup(OriginGroupConfig config, OriginGroup previous, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
        this.slowStartNanos = config.slowStart().toNanos();
        this.budget = new RetryBudget(config.retries().budgetPercent(), config.retries().minPerSecond());
        this.pending = previous == null ? new AtomicInteger() : previous.pending;
        this.inUse = previous == null ? new AtomicInteger() : previous.inUse;
        for (OriginGroupConfig.Server s : config.members()) {
            if (Cidr.literal(s.address().host()) == null) {
                ResolvedName old = previous == null ? null : previous.names.get(s.address());
                names.put(s.address(), old != null ? old : new ResolvedName(s.address()));
            }
        }
        rebuild(previous == null ? null : previous.members);
        if (config.healthCheck() == null) {
            // nothing will check these servers any more: a "down" carried over would be forever
            for (Origin o : members.origins()) {
                o.resetHealth();
            }
        }
    }

    public String name() {
        return config.name();
    }

    public OriginGroupConfig config() {
        return config;
    }

    /** The servers as configured (names not expanded). */
    public List<HostPort> servers() {
        return config.servers();
    }

    /** The servers picked from now, one per resolved address. */
    public List<Origin> origins() {
        return List.of(members.origins());
    }

    long now() {
        return clock.getAsLong();
    }

    // ---- picking ----

    /**
     * Chooses the server for the first attempt of {@code ex}. Never null: a refused pick (check
     * {@link Pick#refused()}) means a circuit breaker is open and the request must get 503 at once.
     */
    public Pick select(Exchange ex) {
        long now = clock.getAsLong();
        budget.onRequest(now);
        String cap = groupCap();
        if (cap != null) {
            return Pick.refused(cap);
        }
        Members m = members;
        Attempt a = new Attempt(m.origins, now, null);
        int i = a.eligible > 0 ? m.policy.choose(a, ex) : -1;
        if (i >= 0) {
            if (allDown.get() && allDown.compareAndSet(true, false)) {
                log.info("origin group '{}': servers available again", name());
            }
            return commit(m.origins[i], null, now);
        }
        if (a.available > 0) {
            return Pick.refused("group '" + name() + "': every available server is at its connection or pending cap");
        }
        int least = a.leastBad();
        if (least < 0) {
            return Pick.refused("group '" + name() + "': every server is at its connection or pending cap");
        }
        if (allDown.compareAndSet(false, true)) {
            log.warn("origin group '{}': every server is down or ejected; sending to the least bad one ({})",
                    name(), m.origins[least]);
        }
        return commit(m.origins[least], null, now);
    }

    /**
     * The next attempt after {@code previous} failed (after {@link Pick#failed}), on a server not tried
     * yet for this request, or null when the request must not be retried: attempts used up, the method
     * is not idempotent and the origin may have received the request, no other server is available,
     * or the retry budget is spent. The caller retries only while no response byte has reached the
     * client and the request body (if any) can be sent again.
     */
    public Pick retry(Exchange ex, Pick previous) {
        if (previous == null || previous.refused() || previous.failure() == null
                || previous.failure() == FailureKind.CANCELLED) {
            return null;
        }
        if (previous.attempt() >= config.retries().attempts()) {
            return null;
        }
        if (previous.failure() != FailureKind.CONNECT && !idempotent(ex.request().method())) {
            return null;
        }
        if (groupCap() != null) {
            return null;
        }
        long now = clock.getAsLong();
        Members m = members;
        Attempt a = new Attempt(m.origins, now, previous);
        int i = a.eligible > 0 ? m.policy.choose(a, ex) : -1;
        if (i < 0) {
            return null;
        }
        if (!budget.tryRetry(now)) {
            log.debug("origin group '{}': retry budget spent, request {} not retried", name(), ex.requestId());
            return null;
        }
        return commit(m.origins[i], previous, now);
    }

    static boolean idempotent(String method) {
        switch (method) {
            case "GET": case "HEAD": case "OPTIONS": case "PUT": case "DELETE": case "TRACE":
                return true;
            default:
                return false;
        }
    }

    private String groupCap() {
        OriginGroupConfig.Limits l = config.limits();
        if (l.groupMaxPending() > 0 && pending.get() >= l.groupMaxPending()) {
            return "group '" + name() + "': " + pending.get() + " requests pending (group_max_pending " + l.groupMaxPending() + ")";
        }
        if (l.groupMaxConnections() > 0 && inUse.get() >= l.groupMaxConnections()) {
            return "group '" + name() + "': " + inUse.get() + " connections in use (group_max_connections "
                    + l.groupMaxConnections() + ")";
        }
        return null;
    }

    private boolean underCap(Origin o) {
        OriginGroupConfig.Limits l = config.limits();
        return (l.maxPending() == 0 || o.pending() < l.maxPending())
                && (l.maxConnections() == 0 || o.inUse() < l.maxConnections());
    }

    private Pick commit(Origin o, Pick previous, long now) {
        o.pending.incrementAndGet();
        o.inUse.incrementAndGet();
        pending.incrementAndGet();
        inUse.incrementAndGet();
        return new Pick(this, o, previous, now);
    }

    /** The candidates of one attempt: eligibility is decided once, so a policy sees a consistent view. */
    private final class Attempt implements Candidates {
        private final Origin[] origins;
        private final long now;
        private final Pick tried;
        private final boolean[] ok;
        int eligible;
        int available;

        Attempt(Origin[] origins, long now, Pick tried) {
            this.origins = origins;
            this.now = now;
            this.tried = tried;
            this.ok = new boolean[origins.length];
            for (int i = 0; i < origins.length; i++) {
                Origin o = origins[i];
                if (tried != null && tried.tried(o) || !o.available(now)) {
                    continue;
                }
                available++;
                if (underCap(o)) {
                    ok[i] = true;
                    eligible++;
                }
            }
        }

        /** Among untried servers under their caps: one the checks accept, else the one back soonest. */
        int leastBad() {
            int best = -1;
            for (int i = 0; i < origins.length; i++) {
                Origin o = origins[i];
                if (tried != null && tried.tried(o) || !underCap(o)) {
                    continue;
                }
                if (best < 0 || better(o, origins[best])) {
                    best = i;
                }
            }
            return best;
        }

        private boolean better(Origin a, Origin b) {
            if (a.healthy() != b.healthy()) {
                return a.healthy();
            }
            return a.ejectedFor(now) < b.ejectedFor(now);
        }

        @Override
        public int size() {
            return origins.length;
        }

        @Override
        public boolean ok(int i) {
            return ok[i];
        }

        @Override
        public double weight(int i) {
            return origins[i].effectiveWeight(now, slowStartNanos);
        }

        @Override
        public Origin origin(int i) {
            return origins[i];
        }

        @Override
        public long now() {
            return now;
        }
    }

    // ---- outcomes, from Pick ----

    void onAnswer(Pick p, int status) {
        Origin o = p.origin();
        o.pending.decrementAndGet();
        pending.decrementAndGet();
        long now = clock.getAsLong();
        o.latency.observe(now - p.startNanos(), now);
        // only gateway-type statuses count: a 500 a client can provoke at will must not eject servers
        if (status == 502 || status == 503 || status == 504) {
            blame(o, now, "status " + status);
        } else {
            o.recordSuccess();
        }
    }

    void onFailure(Pick p, FailureKind kind) {
        Origin o = p.origin();
        o.pending.decrementAndGet();
        o.inUse.decrementAndGet();
        pending.decrementAndGet();
        inUse.decrementAndGet();
        if (kind.blamesOrigin()) {
            long now = clock.getAsLong();
            o.latency.observe(Math.max(now - p.startNanos(), FAILURE_PENALTY_NANOS), now);
            blame(o, now, kind.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    void onEnd(Pick p, boolean answered) {
        Origin o = p.origin();
        if (!answered) {
            o.pending.decrementAndGet();
            pending.decrementAndGet();
        }
        o.inUse.decrementAndGet();
        inUse.decrementAndGet();
    }

    private void blame(Origin o, long now, String what) {
        long ejected = o.recordFailure(now, config.outlier());
        if (ejected > 0) {
            log.warn("origin group '{}': {} ejected for {} ms after {} consecutive failures (last: {}; ejection {})",
                    name(), o, ejected / 1_000_000, config.outlier().consecutiveFailures(), what, o.ejections());
        }
    }

    // ---- active health checks ----

    /**
     * Records one active check of {@code o} (from the health checker, after {@link Origin#startCheck()}),
     * and logs when it brings the server up or takes it down.
     */
    public void checked(Origin o, boolean ok, String detail) {
        OriginGroupConfig.HealthCheck hc = config.healthCheck();
        int rise = hc == null ? 1 : hc.rise();
        int fall = hc == null ? 1 : hc.fall();
        int change = o.checkResult(ok, rise, fall, clock.getAsLong());
        if (change < 0) {
            log.warn("origin group '{}': {} is down after {} failed health checks (last: {})", name(), o, fall, detail);
        } else if (change == 1) {
            log.info("origin group '{}': {} is up after {} passed health checks", name(), o, rise);
        } else if (change == 2) {
            log.info("origin group '{}': {} passed {} health checks; its ejection is lifted", name(), o, rise);
        }
    }

    // ---- DNS ----

    /** The configured servers given by name, which the DNS refresher keeps resolved. */
    public List<HostPort> names() {
        return List.copyOf(names.keySet());
    }

    /** A name resolved to {@code addresses}: the group now sends to those (state kept for ones it knew). */
    public void resolved(HostPort name, List<InetAddress> addresses) {
        ResolvedName r = names.get(name);
        if (r == null || addresses.isEmpty()) {
            return;
        }
        int failedBefore = r.failures();
        if (r.update(addresses)) {
            log.info("origin group '{}': {} resolves to {}", name(), name.host(), r.addresses());
            rebuild(members);
        } else if (failedBefore > 0) {
            log.info("origin group '{}': {} resolves again, to the same addresses", name(), name.host());
        }
    }

    /** A name failed to resolve: the last good addresses stay in use, and the log says so. */
    public void resolveFailed(HostPort name, String why) {
        ResolvedName r = names.get(name);
        if (r != null && r.failed() == 1) {
            log.warn("origin group '{}': {} does not resolve ({}); keeping {}", name(), name.host(), why,
                    r.addresses().isEmpty() ? "the name as it is" : "the last good addresses " + r.addresses());
        }
    }

    private synchronized void rebuild(Members old) {
        Map<HostPort, Origin> known = new LinkedHashMap<>();
        if (old != null) {
            for (Origin o : old.origins()) {
                known.put(o.address(), o);
            }
        }
        List<Origin> out = new ArrayList<>();
        for (OriginGroupConfig.Server s : config.members()) {
            ResolvedName r = names.get(s.address());
            List<String> ips = r == null ? List.of() : r.addresses();
            if (ips.isEmpty()) {
                out.add(reuse(known, s.address(), s.address(), s.weight()));
            } else {
                for (String ip : ips) {
                    out.add(reuse(known, new HostPort(ip, s.address().port()), s.address(), s.weight()));
                }
            }
        }
        Origin[] arr = out.toArray(new Origin[0]);
        members = new Members(arr, Policies.create(config, arr));
    }

    private static Origin reuse(Map<HostPort, Origin> known, HostPort address, HostPort configured, int weight) {
        Origin o = known.get(address);
        if (o == null || !o.configured().equals(configured)) {
            return new Origin(address, configured, weight);
        }
        o.weight(weight);
        return o;
    }

    // ---- state for logs and metrics ----

    public GroupSnapshot snapshot() {
        long now = clock.getAsLong();
        List<GroupSnapshot.Server> out = new ArrayList<>();
        for (Origin o : members.origins()) {
            String state = !o.healthy() ? "down" : o.ejectedFor(now) > 0 ? "ejected"
                    : o.slowStarting(now, slowStartNanos) ? "slow_start" : "up";
            out.add(new GroupSnapshot.Server(o.address().toString(), o.configured().toString(), o.weight(), state,
                    o.pending(), o.inUse(), o.consecutiveFailures(), o.ejections(), o.ejectedFor(now) / 1_000_000,
                    o.latency.get(now) / 1e6));
        }
        return new GroupSnapshot(name(), config.balance(), pending.get(), inUse.get(), List.copyOf(out));
    }
}
