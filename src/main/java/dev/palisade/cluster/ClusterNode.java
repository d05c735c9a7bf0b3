package dev.palisade.cluster;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

import dev.palisade.config.ClusterConfig;
import dev.palisade.guard.flood.BanList;

/**
 * This node's membership of a fleet: the connections to Redis and their life. Built without I/O;
 * {@link #start} connects in the background and never blocks the caller, so a node whose Redis is
 * unreachable (or refuses its password) starts anyway, on local state, and says so. Lettuce reconnects a
 * lost connection by itself; a probe on the node's own thread ({@code fallback_after} apart) notices when
 * Redis answers again, reloads the bans and resumes sharing.
 *
 * <p>Two connections: one for the buckets (Bucket4j's Lettuce proxy manager) and the ban keys, one for the
 * ban channel; to one Redis (directly or through Sentinel) or to a Redis Cluster ({@link RedisLink}). Every
 * command is asynchronous and has a timeout; none is ever awaited on an event loop.
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
    static final int RELOAD_BANS_SECONDS = 10;
    private final ClusterConfig config;
    private final String nodeId;
    private final ClientResources resources;
    private final RedisLink link;
    private final ScheduledExecutorService probe;
    private final ClusterHealth health;
    private final RedisRateLimitStore store;
    private volatile BanSync bans;
    private volatile RedisLink.Data data;
    private volatile StatefulRedisPubSubConnection<String, String> channel;
    private boolean connecting;
    private volatile boolean closed;

    private ClusterNode(ClusterConfig config, List<RedisURI> uris) {
        this.config = config;
        this.nodeId = config.nodeId() != null ? config.nodeId() : hostName();
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(1)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), config.fallbackAfter(), 2, TimeUnit.MILLISECONDS))
                .build();
        this.link = RedisLink.create(config, uris, resources);
        this.probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "palisade-cluster");
            t.setDaemon(true);
            return t;
        });
        this.health = new ClusterHealth(nodeId, config.redactedUri(), config.fallbackAfter());
        this.store = new RedisRateLimitStore(this, config);
    }

    /**
     * The node for {@code config}; nothing is connected until {@link #start}.
     *
     * @throws IllegalArgumentException when the Redis client refuses the URI the config let through
     */
    public static ClusterNode create(ClusterConfig config) {
        String password = config.passwordEnv() == null ? null : System.getenv(config.passwordEnv());
        List<RedisURI> uris;
        try {
            uris = RedisLink.uris(config, password);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("redis: " + e.getMessage());
        }
        return new ClusterNode(config, uris);
    }

    /** Connects in the background and starts the probe; returns at once. */
    public void start() {
        long every = Math.max(50, config.fallbackAfter().toMillis() / 2);
        probe.execute(this::connect);
        probe.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        probe.scheduleWithFixedDelay(this::reloadBans, RELOAD_BANS_SECONDS, RELOAD_BANS_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Pub/sub delivers a message only to connections subscribed at that moment: a ban published while this
     * node's channel was reconnecting would be missed. The ban keys are read again every so often, so such a
     * ban still holds here within {@value #RELOAD_BANS_SECONDS} seconds.
     */
    private void reloadBans() {
        BanSync b = bans;
        if (b != null && sharing()) {
            b.loadAll(false);
        }
    }

    /** The bucket store to give the guard: Redis while sharing, this node's buckets otherwise. */
    public RedisRateLimitStore rateLimitStore() {
        return store;
    }

    /**
     * Shares the bans of the ban list {@code current} returns (the guard's, which a reload may replace): bans
     * decided here go to Redis and to every node; bans from other nodes are applied here.
     */
    public void shareBans(Supplier<BanList> current) {
        BanSync sync = new BanSync(this, config.keyPrefix(), current);
        current.get().addListener(sync);
        this.bans = sync;
        if (health.sharing()) {
            probe.execute(() -> sync.loadAll(true));
        }
    }

    public String nodeId() {
        return nodeId;
    }

    /** Whether buckets and bans are shared right now. */
    public boolean sharing() {
        return health.sharing() && !closed;
    }

    /** The state for /readyz, the dashboard and the metrics. */
    public Status status() {
        return new Status(nodeId, config.redactedUri(), sharing(), health.detail(), health.since().toString(),
                health.fallbacks(), health.errors());
    }

    /**
     * @param node      this node's id
     * @param redis     the Redis URI, password hidden
     * @param shared    true while buckets and bans are shared; false while on local state
     * @param detail    why not, or what is shared
     * @param since     when the state last changed (ISO-8601)
     * @param fallbacks times the node fell back to local state since start
     * @param errors    Redis calls that failed or timed out since start
     */
    public record Status(String node, String redis, boolean shared, String detail, String since, long fallbacks,
                         long errors) {}

    ClusterHealth health() {
        return health;
    }

    /** The settings this node was built from (a reload does not change them). */
    public ClusterConfig config() {
        return config;
    }

    /** The bucket proxy manager, or null before the first connection. */
    AsyncProxyManager<String> buckets() {
        RedisLink.Data d = data;
        return d == null ? null : d.buckets();
    }

    /** The commands of the data connection, or null before the first connection. */
    RedisClusterAsyncCommands<String, byte[]> commands() {
        RedisLink.Data d = data;
        return d == null ? null : d.commands();
    }

    /** Reports a failed Redis call; a closed connection makes the node fall back at once. */
    void failed(Throwable cause) {
        RedisLink.Data d = data;
        health.failed(cause, d == null || !d.connection().isOpen());
    }

    private void connect() {
        if (closed || connecting) {
            return;
        }
        connecting = true;
        CompletableFuture<RedisLink.Data> main = link.connect();
        main.thenCompose(c -> link.connectPubSub()
                        .whenComplete((p, e) -> {
                            if (e != null) {
                                c.connection().closeAsync();
                            }
                        })
                        .thenApply(p -> {
                            connected(c, p);
                            return p;
                        }))
                .whenCompleteAsync((p, e) -> {
                    connecting = false;
                    if (e != null) {
                        health.startFailed(e);
                    } else {
                        sharedAgain();
                    }
                }, probe);
    }

    private void connected(RedisLink.Data c, StatefulRedisPubSubConnection<String, String> p) {
        if (closed) {
            c.connection().closeAsync();
            p.closeAsync();
            return;
        }
        this.data = c;
        this.channel = p;
        p.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String message) {
                BanSync b = bans;
                if (b != null) {
                    b.onMessage(message);
                }
            }
        });
        p.async().subscribe(BanSync.channel(config.keyPrefix()));
    }

    /** Every half {@code fallback_after}: connect when never connected, notice failures, and notice Redis back. */
    private void check() {
        try {
            RedisLink.Data c = data;
            if (closed) {
                return;
            }
            if (c == null) {
                connect();
                return;
            }
            if (health.sharing()) {
                if (!c.connection().isOpen()) {
                    health.fallBack("connection to redis lost");
                } else {
                    health.checkFailing();
                }
                return;
            }
            if (c.connection().isOpen() && channel.isOpen()) {
                c.commands().ping().toCompletableFuture()
                        .orTimeout(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .whenCompleteAsync((pong, e) -> {
                            if (e == null) {
                                sharedAgain();
                            }
                        }, probe);
            }
        } catch (RuntimeException e) {
            log.warn("cluster probe failed: {}", e.toString());
        }
    }

    /**
     * Redis answers (again): sharing resumes, the bans in force here are shared, and bans decided elsewhere
     * meanwhile are loaded.
     */
    private void sharedAgain() {
        if (closed) {
            return;
        }
        health.shareAgain();
        BanSync b = bans;
        if (b != null) {
            b.pushAll();
            b.loadAll(true);
        }
    }

    /** Closes the connections and the client's threads; waits at most about four seconds. */
    @Override
    public void close() {
        closed = true;
        probe.shutdownNow();
        // the client closes its connections first, then its threads go: nothing is left to notify a dead loop.
        // The cluster client's shutdown can wait forever on a node connection (lettuce issue 2278): it gets two
        // seconds on a thread of its own, then the threads go anyway
        Thread shutdown = new Thread(() -> {
            try {
                link.client().shutdown(Duration.ZERO, Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                log.debug("redis client shutdown: {}", e.toString());
            }
        }, "palisade-cluster-close");
        shutdown.setDaemon(true);
        shutdown.start();
        try {
            shutdown.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (shutdown.isAlive()) {
            log.debug("redis client shutdown still running after 2 s; stopping its threads");
        }
        try {
            resources.shutdown(0, 1, TimeUnit.SECONDS).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("redis client threads shutdown: {}", e.toString());
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && env.matches("[A-Za-z0-9._-]{1,64}")) {
            return env;
        }
        try {
            String h = InetAddress.getLocalHost().getHostName();
            return h.matches("[A-Za-z0-9._-]{1,64}") ? h : "node";
        } catch (java.net.UnknownHostException e) {
            return "node";
        }
    }
}
