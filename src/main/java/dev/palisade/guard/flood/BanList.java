package dev.palisade.guard.flood;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;

import dev.palisade.config.GuardConfig;
import dev.palisade.guard.LogBudget;

/**
 * Banned addresses, shared by the connection gate and the request stages. An address that commits
 * {@code after_violations} violations (refused connections, or 429s of a policy with {@code ban: true})
 * within {@code window} is banned for {@code duration}; each further ban of the same address within
 * {@code forget_after} doubles the time, up to {@code max_duration}.
 *
 * <p>Three Caffeine caches, each bounded by {@code max_entries} and expiring on its own, so a flood from
 * many addresses cannot grow memory: violation counters, bans, and strike counts. Addresses are keyed
 * through {@link AddressKey} (an IPv6 address by its prefix). Thread-safe, never blocks.
 */
public final class BanList {

    private static final Logger log = LoggerFactory.getLogger(BanList.class);

    /** A ban as the admin API lists it. */
    public record Ban(String address, String reason, int strike, Duration duration, Duration remaining) {}

    /** What an address was banned for: a bounded set, for the metrics' label and the security log. */
    public enum Cause {
        /** Too many new connections per second (the gate's token bucket). */
        CONNECTION_RATE,
        /** Too many concurrent connections from the address. */
        CONNECTIONS,
        /** Over a rate-limit policy with {@code ban: true}. */
        RATE_LIMIT,
        /** Banned by hand. */
        MANUAL;

        /** The name in metrics and logs, e.g. {@code connection_rate}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Told of the bans decided on this node as they are issued, and of bans lifted here (the server's security
     * log and metrics; in distributed mode, the fleet). Not told of bans applied from a peer with
     * {@link #applyPeerBan}. Called on the thread that banned (often an event loop): must not block.
     */
    public interface Listener {
        void banned(InetAddress key, Cause cause, Ban ban);

        default void unbanned(InetAddress key) {
        }

        /** Every ban was lifted here ({@link #clear}). */
        default void cleared() {
        }
    }

    private record Entry(String reason, int strike, long durationNanos, long untilNanos) {}

    private final GuardConfig.Bans config;
    private final int ipv6Prefix;
    private final Ticker ticker;
    private final Cache<InetAddress, AtomicInteger> violations;
    private final Cache<InetAddress, Entry> bans;
    /** Lookups of {@link #bans} that record nothing: see {@link #entry}. */
    private final Policy<InetAddress, Entry> banLookup;
    private final Cache<InetAddress, Integer> strikes;
    private final LongAdder issued = new LongAdder();
    private final LongAdder violationCount = new LongAdder();
    private final LogBudget logBudget = new LogBudget(20, "bans");
    private volatile List<Listener> listeners = List.of();

    public BanList(GuardConfig.Bans config, int ipv6Prefix) {
        this(config, ipv6Prefix, Ticker.systemTicker());
    }

    public BanList(GuardConfig.Bans config, int ipv6Prefix, Ticker ticker) {
        this.config = config;
        this.ipv6Prefix = ipv6Prefix;
        this.ticker = ticker;
        long windowNanos = config.window().toNanos();
        this.violations = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(config.maxEntries())
                .ticker(ticker)
                .expireAfter(new Expiry<InetAddress, AtomicInteger>() {
                    // A fixed window from the first violation: later ones do not push it out.
                    @Override
                    public long expireAfterCreate(InetAddress k, AtomicInteger v, long now) {
                        return windowNanos;
                    }

                    @Override
                    public long expireAfterUpdate(InetAddress k, AtomicInteger v, long now, long left) {
                        return left;
                    }

                    @Override
                    public long expireAfterRead(InetAddress k, AtomicInteger v, long now, long left) {
                        return left;
                    }
                })
                .build();
        this.bans = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(config.maxEntries())
                .ticker(ticker)
                .expireAfter(new Expiry<InetAddress, Entry>() {
                    @Override
                    public long expireAfterCreate(InetAddress k, Entry v, long now) {
                        return Math.max(1, v.untilNanos - now);
                    }

                    @Override
                    public long expireAfterUpdate(InetAddress k, Entry v, long now, long left) {
                        return Math.max(1, v.untilNanos - now);
                    }

                    @Override
                    public long expireAfterRead(InetAddress k, Entry v, long now, long left) {
                        return left;
                    }
                })
                .build();
        this.strikes = Caffeine.newBuilder()
                .executor(Runnable::run)
                .maximumSize(config.maxEntries())
                .ticker(ticker)
                .expireAfterWrite(config.forgetAfter().toNanos(), TimeUnit.NANOSECONDS)
                .build();
        this.banLookup = bans.policy();
    }

    /**
     * The ban held under {@code key}, or null (also once it has expired). A quiet lookup: a read leaves no
     * trace in the cache's read buffer, so a banned address that keeps connecting (asked on every accept
     * and every request) does not make the cache run its maintenance; reads do not move a ban's expiry.
     */
    private Entry entry(InetAddress key) {
        return banLookup.getIfPresentQuietly(key);
    }

    public boolean isBanned(InetAddress address) {
        return entry(AddressKey.of(address, ipv6Prefix)) != null;
    }

    /** How long the ban of {@code address} still runs, or null when it is not banned. */
    public Duration remaining(InetAddress address) {
        Entry e = entry(AddressKey.of(address, ipv6Prefix));
        return e == null ? null : Duration.ofNanos(Math.max(0, e.untilNanos - ticker.read()));
    }

    /**
     * Counts a violation by {@code address}; returns true when it is the one that got the address banned.
     * Does nothing when bans are disabled or the address is already banned.
     */
    public boolean recordViolation(InetAddress address, Cause cause, String reason) {
        if (!config.enabled()) {
            return false;
        }
        InetAddress key = AddressKey.of(address, ipv6Prefix);
        if (entry(key) != null) {
            return false;
        }
        violationCount.increment();
        int n = violations.get(key, k -> new AtomicInteger()).incrementAndGet();
        if (n != config.afterViolations()) {
            // Below the threshold; or above it, when another thread is banning this address right now.
            return false;
        }
        // ban first, then forget the count: a thread that counted before the ban is visible cannot start a
        // fresh count that reaches the threshold again
        ban(key, cause, reason + " (" + n + " violations within " + dev.palisade.config.Durations.format(config.window()) + ")");
        violations.invalidate(key);
        return true;
    }

    /** Bans {@code address} now, for the escalated time of its next strike. */
    public Ban ban(InetAddress address, Cause cause, String reason) {
        InetAddress key = AddressKey.of(address, ipv6Prefix);
        int strike = strikes.asMap().merge(key, 1, Integer::sum);
        long base = config.duration().toNanos();
        long max = config.maxDuration().toNanos();
        long d = strike >= 63 ? max : Math.min(max, base << Math.min(strike - 1, 62));
        if (d <= 0) {
            d = max;
        }
        return put(key, cause, reason, strike, d);
    }

    /** Bans {@code address} for exactly {@code duration} (the admin API); does not count as a strike. */
    public Ban ban(InetAddress address, Duration duration, String reason) {
        InetAddress key = AddressKey.of(address, ipv6Prefix);
        return put(key, Cause.MANUAL, reason, strikes.asMap().getOrDefault(key, 0), duration.toNanos());
    }

    /**
     * Applies a ban another node decided: {@code key} as the peer keyed it, for the {@code remaining} time it
     * still runs. Not counted as a strike or an issued ban, and not told to the listener. Does nothing when
     * bans are disabled here or a longer ban is already in force.
     */
    public void applyPeerBan(InetAddress key, Duration remaining, String reason) {
        if (!config.enabled() || remaining.isNegative() || remaining.isZero()) {
            return;
        }
        InetAddress k = AddressKey.of(key, ipv6Prefix);
        long now = ticker.read();
        long until = now + remaining.toNanos();
        bans.asMap().merge(k, new Entry(reason, strikes.asMap().getOrDefault(k, 0), remaining.toNanos(), until),
                (old, fresh) -> old.untilNanos >= fresh.untilNanos ? old : fresh);
    }

    /** Lifts a ban because another node lifted it; not told to the listener. */
    public void applyPeerUnban(InetAddress key) {
        InetAddress k = AddressKey.of(key, ipv6Prefix);
        violations.invalidate(k);
        bans.invalidate(k);
    }

    private Ban put(InetAddress key, Cause cause, String reason, int strike, long durationNanos) {
        long now = ticker.read();
        Entry e = new Entry(reason, strike, durationNanos, now + durationNanos);
        bans.put(key, e);
        issued.increment();
        String who = AddressKey.format(key, ipv6Prefix);
        if (logBudget.tryAcquire(now, log)) {
            log.warn("banned {} for {} (strike {}): {}", who, dev.palisade.config.Durations.format(Duration.ofNanos(durationNanos)),
                    strike, reason);
        }
        Ban ban = new Ban(who, reason, strike, Duration.ofNanos(durationNanos), Duration.ofNanos(durationNanos));
        for (Listener l : listeners) {
            l.banned(key, cause, ban);
        }
        return ban;
    }

    /** Adds {@code l} to those who hear of each ban decided here; carried over by {@link #takeOver}. */
    public synchronized void addListener(Listener l) {
        List<Listener> more = new ArrayList<>(listeners);
        more.add(Objects.requireNonNull(l));
        listeners = List.copyOf(more);
    }

    /**
     * Copies the bans and strike counts of {@code old} into this list, for a reload that changed the ban
     * settings: nobody is unbanned by a reload.
     */
    public void takeOver(BanList old) {
        if (old == this) {
            return;
        }
        long now = ticker.read();
        old.bans.asMap().forEach((k, e) -> {
            long left = e.untilNanos - old.ticker.read();
            if (left > 0) {
                bans.put(k, new Entry(e.reason, e.strike, e.durationNanos, now + left));
            }
        });
        strikes.putAll(old.strikes.asMap());
        listeners = old.listeners;
    }

    /** Lifts a ban; returns whether there was one. The strike count is kept. */
    public boolean unban(InetAddress address) {
        InetAddress key = AddressKey.of(address, ipv6Prefix);
        violations.invalidate(key);
        boolean was = bans.asMap().remove(key) != null;
        for (Listener l : listeners) {
            l.unbanned(key);
        }
        return was;
    }

    /** Lifts every ban and forgets every strike; returns how many bans were in force. */
    public int clear() {
        int lifted = (int) Math.min(Integer.MAX_VALUE, size());
        forgetAll();
        for (Listener l : listeners) {
            l.cleared();
        }
        return lifted;
    }

    /** Lifts every ban and forgets every strike because another node cleared its bans; not told to the listener. */
    public void applyPeerClear() {
        forgetAll();
    }

    private void forgetAll() {
        bans.invalidateAll();
        strikes.invalidateAll();
        violations.invalidateAll();
    }

    /** The current bans, longest remaining first. */
    public List<Ban> list() {
        List<Ban> out = new ArrayList<>();
        forEach((key, ban) -> out.add(ban));
        out.sort(Comparator.comparing(Ban::remaining).reversed());
        return out;
    }

    /** Each ban in force with the address key it is held under (what a peer node needs to apply it). */
    public void forEach(BiConsumer<InetAddress, Ban> action) {
        bans.cleanUp();
        long now = ticker.read();
        bans.asMap().forEach((k, e) -> {
            long left = e.untilNanos - now;
            if (left > 0) {
                action.accept(k, new Ban(AddressKey.format(k, ipv6Prefix), e.reason, e.strike,
                        Duration.ofNanos(e.durationNanos), Duration.ofNanos(left)));
            }
        });
    }

    /** Bans in force (approximate: expired entries may linger until Caffeine's next maintenance). */
    public long size() {
        bans.cleanUp();
        return bans.estimatedSize();
    }

    /** Bans issued since start. */
    public long issued() {
        return issued.sum();
    }

    /** Violations counted since start. */
    public long violations() {
        return violationCount.sum();
    }

    public GuardConfig.Bans config() {
        return config;
    }
}
