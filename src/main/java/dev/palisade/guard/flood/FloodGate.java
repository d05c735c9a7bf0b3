package dev.palisade.guard.flood;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;

import dev.palisade.config.GuardConfig;
import dev.palisade.pipeline.ConnectionGate;

/**
 * The connection gate (phase 1), asked by {@link GateHandler} for every accepted connection before the
 * TLS handshake. In order: allowlisted addresses are always admitted; denied and banned addresses are
 * refused; then the new-connection token bucket of the address, its concurrent connections, and the
 * global cap. A refusal by the bucket or the per-address cap counts as a violation toward a ban.
 *
 * <p>Memory is bounded under a flood from many addresses: the buckets live in a Caffeine cache with
 * {@code max_tracked_addresses} entries that expire once a bucket would be full again, and the
 * concurrent counters only hold addresses with an open connection, which the global cap bounds.
 * Thread-safe and non-blocking; the cost of an admit is a few hash lookups and CAS operations.
 */
public final class FloodGate implements ConnectionGate {

    private static final Logger log = LoggerFactory.getLogger(FloodGate.class);

    /** Why a connection was refused, for the counters and the debug log. */
    public enum Refusal { DENIED, BANNED, RATE, PER_ADDRESS, GLOBAL }

    private final GuardConfig.Gate config;
    private final BanList bans;
    private final DenyList deny;
    private final AddressSet allow;
    private final TimeMeter meter;
    private final Bandwidth bandwidth;
    private final Cache<InetAddress, Bucket> buckets;
    private final String rateReason;
    private final String capReason;
    private final ConcurrentHashMap<InetAddress, Integer> open;
    private final AtomicInteger total;
    private final LongAdder admitted;
    private final LongAdder[] refused;

    /** A gate on the system clock. */
    public FloodGate(GuardConfig.Gate config, BanList bans, DenyList deny) {
        this(config, bans, deny, Ticker.systemTicker());
    }

    public FloodGate(GuardConfig.Gate config, BanList bans, DenyList deny, Ticker ticker) {
        this(config, bans, deny, ticker, null);
    }

    /**
     * A gate that takes over the open-connection counts and the counters of {@code previous} (on reload), so
     * connections admitted by the old gate still count against the new limits and are released into the
     * same counts when they close. The counts are carried over only when the IPv6 prefix is unchanged.
     */
    public FloodGate(GuardConfig.Gate config, BanList bans, DenyList deny, Ticker ticker, FloodGate previous) {
        this.config = config;
        boolean carry = previous != null && previous.config.ipv6Prefix() == config.ipv6Prefix();
        this.open = carry ? previous.open : new ConcurrentHashMap<>();
        this.total = carry ? previous.total : new AtomicInteger();
        this.admitted = carry ? previous.admitted : new LongAdder();
        this.refused = carry ? previous.refused : new LongAdder[Refusal.values().length];
        this.bans = bans;
        this.rateReason = "new connections over " + config.newConnectionsPerSecond() + "/s";
        this.capReason = "more than " + config.maxConnectionsPerAddress() + " concurrent connections";
        this.deny = deny == null ? DenyList.of(config.deny()) : deny;
        this.allow = new AddressSet(config.allow());
        this.meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.read();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.bandwidth = Bandwidth.builder().capacity(config.newConnectionsBurst())
                .refillGreedy(config.newConnectionsPerSecond(), Duration.ofSeconds(1)).build();
        // An idle bucket is full again after burst / rate seconds; dropping it then loses nothing.
        long refillNanos = Math.max(TimeUnit.SECONDS.toNanos(1),
                TimeUnit.SECONDS.toNanos(1) * config.newConnectionsBurst() / config.newConnectionsPerSecond());
        this.buckets = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(config.maxTrackedAddresses())
                .expireAfterAccess(refillNanos, TimeUnit.NANOSECONDS)
                .ticker(ticker)
                .build();
        for (int i = 0; i < refused.length; i++) {
            if (refused[i] == null) {
                refused[i] = new LongAdder();
            }
        }
    }

    @Override
    public boolean admit(InetAddress address) {
        Refusal r = check(address);
        if (r == null) {
            admitted.increment();
            return true;
        }
        refused[r.ordinal()].increment();
        if (log.isDebugEnabled()) {
            log.debug("refused connection from {}: {}", address.getHostAddress(), r);
        }
        return false;
    }

    /**
     * Whether a connection from {@code address} is refused outright, before anything is counted or built
     * for it: a denied or banned address that is not allowlisted ({@link AcceptFilter}). Counts the refusal.
     */
    public boolean refuseAtAccept(InetAddress address) {
        Refusal r = blocked(AddressKey.canonical(address));
        if (r == null) {
            return false;
        }
        refused[r.ordinal()].increment();
        return true;
    }

    /** DENIED or BANNED for an address that is not allowlisted, else null. */
    private Refusal blocked(InetAddress canonical) {
        if (allow.contains(canonical)) {
            return null;
        }
        if (deny.contains(canonical)) {
            return Refusal.DENIED;
        }
        return bans.isBanned(canonical) ? Refusal.BANNED : null;
    }

    /** Decides and, when admitting, counts the connection; null means admitted. */
    Refusal check(InetAddress address) {
        address = AddressKey.canonical(address);
        if (allow.contains(address)) {
            total.incrementAndGet();
            return null;
        }
        Refusal blocked = blocked(address);
        if (blocked != null) {
            return blocked;
        }
        if (!config.enabled()) {
            total.incrementAndGet();
            return null;
        }
        InetAddress key = AddressKey.of(address, config.ipv6Prefix());
        if (!buckets.get(key, k -> newBucket()).tryConsume(1)) {
            bans.recordViolation(key, BanList.Cause.CONNECTION_RATE, rateReason);
            return Refusal.RATE;
        }
        int cap = config.maxConnectionsPerAddress();
        boolean[] room = new boolean[1];
        open.compute(key, (k, n) -> {
            int c = n == null ? 0 : n;
            if (c >= cap) {
                return n;
            }
            room[0] = true;
            return c + 1;
        });
        if (!room[0]) {
            bans.recordViolation(key, BanList.Cause.CONNECTIONS, capReason);
            return Refusal.PER_ADDRESS;
        }
        if (total.incrementAndGet() > config.maxConnections()) {
            total.decrementAndGet();
            decrement(key);
            return Refusal.GLOBAL;
        }
        return null;
    }

    @Override
    public void release(InetAddress address) {
        total.decrementAndGet();
        // Allowlisted connections never made an entry; decrementing anyway keeps the counts right when a
        // reload changed the allowlist while connections were open.
        decrement(AddressKey.of(address, config.ipv6Prefix()));
    }

    private void decrement(InetAddress key) {
        open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    private Bucket newBucket() {
        return Bucket.builder().addLimit(bandwidth).withCustomTimePrecision(meter).build();
    }

    public BanList bans() {
        return bans;
    }

    public DenyList denyList() {
        return deny;
    }

    public GuardConfig.Gate config() {
        return config;
    }

    /** Connections admitted since start. */
    public long admitted() {
        return admitted.sum();
    }

    /** Connections refused for {@code reason} since start. */
    public long refused(Refusal reason) {
        return refused[reason.ordinal()].sum();
    }

    /** Connections refused for any reason since start. */
    public long refused() {
        long sum = 0;
        for (LongAdder a : refused) {
            sum += a.sum();
        }
        return sum;
    }

    /** Connections admitted and not yet closed. */
    public int openConnections() {
        return total.get();
    }

    /** Open connections of {@code address} as the gate counts them (0 for allowlisted addresses). */
    public int openConnections(InetAddress address) {
        Integer n = open.get(AddressKey.of(address, config.ipv6Prefix()));
        return n == null ? 0 : n;
    }

    /** Addresses with a new-connection bucket held right now (bounded by max_tracked_addresses). */
    public long trackedAddresses() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    /** Addresses with an open connection right now (bounded by max_connections). */
    public int addressesWithOpenConnections() {
        return open.size();
    }
}
