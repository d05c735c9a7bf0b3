package dev.palisade.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Ticker;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;

import dev.palisade.config.ConfigException;
import dev.palisade.config.GuardConfig;
import dev.palisade.guard.client.ProxyProtocolHandler;
import dev.palisade.guard.flood.BanCheckStage;
import dev.palisade.guard.flood.BanList;
import dev.palisade.guard.flood.DenyList;
import dev.palisade.guard.flood.FloodGate;
import dev.palisade.guard.flood.GateHandler;
import dev.palisade.guard.rate.LocalRateLimitStore;
import dev.palisade.guard.rate.RateLimitStage;
import dev.palisade.guard.rate.RateLimitStore;
import dev.palisade.guard.slow.BodyRateHandler;
import dev.palisade.guard.slow.SlowClientStats;
import dev.palisade.guard.slow.SlowReaderHandler;
import dev.palisade.pipeline.ConnectionGate;
import dev.palisade.pipeline.RequestStage;

/**
 * Everything the guard gives the server, built from one {@link GuardConfig}: the connection gate and its
 * handler, the PROXY protocol handler, the slow-client handlers and the request stages. Immutable apart
 * from the shared state it holds (bans, counts, buckets); {@link #reload} builds the next one and carries
 * bans and open-connection counts over, so a reload neither unbans anyone nor forgets open connections.
 *
 * <p>Where the pieces go in a client pipeline:
 * <pre>
 *   [proxyProtocolHandler()]   only on listeners with proxy_protocol: true
 *   gateHandler(rest)          first otherwise; builds 'rest' (TLS, codec, ...) only for admitted connections
 *   ... TLS, header deadline (server) ...
 *   slowReaderHandler()        anywhere on the connection; null when write_timeout is off
 *   HttpServerCodec
 *   bodyRateHandler()          right after the codec, before any aggregator; null when min_body_rate is off
 *   ... request handler: runs requestStages() first ...
 * </pre>
 */
public final class Guard implements AutoCloseable {

    private final GuardConfig config;
    private final Ticker ticker;
    private final RateLimitStore store;
    private final BanList bans;
    private final FloodGate floodGate;
    private final ConnectionGate gate;
    private final SlowClientStats slowStats;
    private final LongAdder proxyRejected;
    private final RateLimitStage rateLimits;
    private final List<RequestStage> stages;
    private volatile ScheduledFuture<?> denyWatch;

    private Guard(GuardConfig config, Ticker ticker, RateLimitStore store, Guard previous) throws ConfigException {
        this.config = config;
        this.ticker = ticker;
        this.store = store;
        int v6 = config.gate().ipv6Prefix();
        if (previous != null && previous.config.bans().equals(config.bans())
                && previous.config.gate().ipv6Prefix() == v6) {
            this.bans = previous.bans;
        } else {
            this.bans = new BanList(config.bans(), v6, ticker);
            if (previous != null) {
                bans.takeOver(previous.bans);
            }
        }
        DenyList deny = DenyList.load(config.gate().deny(), config.gate().denyFile());
        this.floodGate = new FloodGate(config.gate(), bans, deny, ticker, previous == null ? null : previous.floodGate);
        this.gate = config.enabled() ? floodGate : ConnectionGate.OPEN;
        this.slowStats = previous == null ? new SlowClientStats() : previous.slowStats;
        this.proxyRejected = previous == null ? new LongAdder() : previous.proxyRejected;
        this.rateLimits = new RateLimitStage(config, store, bans);
        List<RequestStage> list = new ArrayList<>();
        if (config.enabled()) {
            list.add(new BanCheckStage(bans));
            if (!rateLimits.isEmpty()) {
                list.add(rateLimits);
            }
        }
        this.stages = List.copyOf(list);
    }

    /** Builds the guard; reads the deny file now (blocking: call at startup, not on an event loop). */
    public static Guard create(GuardConfig config) throws ConfigException {
        return new Guard(config, Ticker.systemTicker(), new LocalRateLimitStore(), null);
    }

    /** Builds the guard on a clock and bucket store of the caller's choosing (tests, a distributed store). */
    public static Guard create(GuardConfig config, Ticker ticker, RateLimitStore store) throws ConfigException {
        return new Guard(config, ticker, store, null);
    }

    /**
     * The guard for a reloaded config, keeping bans, strikes, open-connection counts and counters. Buckets
     * of the local store start full. The caller swaps it in and {@link #close}s this one; a bad deny file throws and
     * this guard keeps serving.
     */
    public Guard reload(GuardConfig newConfig) throws ConfigException {
        return new Guard(newConfig, ticker, store, this);
    }

    public GuardConfig config() {
        return config;
    }

    /** The gate: the flood gate, or one that admits everything when {@code guard.enabled} is false. */
    public ConnectionGate gate() {
        return gate;
    }

    /**
     * The first handler of an accepted connection (after the PROXY protocol handler). {@code rest} is added
     * behind it for admitted connections only (a {@code ChannelInitializer} or a sharable handler); null when
     * the pipeline is already complete. Sharable: build it once per listener and reuse it.
     */
    public GateHandler gateHandler(ChannelHandler rest) {
        return new GateHandler(gate, rest);
    }

    /** A new PROXY protocol handler for one connection on a {@code proxy_protocol: true} listener. */
    public ProxyProtocolHandler proxyProtocolHandler() {
        return new ProxyProtocolHandler(config.gate().proxyHeaderTimeout(), proxyRejected);
    }

    /** A new minimum-body-rate handler for one connection, or null when it is turned off. */
    public BodyRateHandler bodyRateHandler() {
        return config.enabled() && config.slow().bodyRateEnabled() ? new BodyRateHandler(config.slow(), slowStats) : null;
    }

    /** A new slow-reader handler for one connection, or null when it is turned off. */
    public SlowReaderHandler slowReaderHandler() {
        return config.enabled() && config.slow().writeTimeoutEnabled() ? new SlowReaderHandler(config.slow(), slowStats)
                : null;
    }

    /**
     * Adds the slow-client handlers that are turned on at the end of {@code p}; call right after the HTTP
     * decoder is added (the body-rate handler must see each body chunk, before any aggregation).
     */
    public void addSlowClientHandlers(ChannelPipeline p) {
        SlowReaderHandler reader = slowReaderHandler();
        if (reader != null) {
            p.addLast("slow-reader", reader);
        }
        BodyRateHandler body = bodyRateHandler();
        if (body != null) {
            p.addLast("body-rate", body);
        }
    }

    /** The guard's request stages, in order: the ban check, then the rate limits (when any are configured). */
    public List<RequestStage> requestStages() {
        return stages;
    }

    /**
     * Re-reads {@code gate.deny_file} when it changes, checking every {@code gate.deny_file_check} on
     * {@code executor} (not an event loop: the read blocks). No-op without a deny file.
     */
    public void watchDenyFile(ScheduledExecutorService executor) {
        if (floodGate.denyList().file() != null && denyWatch == null) {
            denyWatch = floodGate.denyList().watch(executor, config.gate().denyFileCheck());
        }
    }

    public BanList bans() {
        return bans;
    }

    /** The flood gate and its counters (also when {@code guard.enabled} is false, for the deny list and bans). */
    public FloodGate floodGate() {
        return floodGate;
    }

    public RateLimitStage rateLimits() {
        return rateLimits;
    }

    public SlowClientStats slowClients() {
        return slowStats;
    }

    /** Connections closed on PROXY protocol listeners for a missing, late or bad header. */
    public long proxyHeaderRejected() {
        return proxyRejected.sum();
    }

    /** Stops watching the deny file. Bans and counts live on in a guard built by {@link #reload}. */
    @Override
    public void close() {
        ScheduledFuture<?> w = denyWatch;
        if (w != null) {
            w.cancel(false);
            denyWatch = null;
        }
    }
}
