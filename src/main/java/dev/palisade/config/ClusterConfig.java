package dev.palisade.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Distributed mode: several nodes share their rate-limit buckets and their bans through one Redis. Absent
 * from the file, the node runs alone and never touches Redis.
 *
 * @param enabled        false keeps the section in the file but runs the node alone
 * @param redis          {@code redis://[[user:]password@]host[:port][/db]}, {@code rediss://...} (TLS), or
 *                       {@code redis-sentinel://[password@]host[:port][,host[:port]...][/db]#master} (also
 *                       {@code rediss-sentinel://}), or {@code redis-cluster://[password@]host:port[,host:port...]}
 *                       naming Redis Cluster seed nodes (also {@code rediss-cluster://})
 * @param passwordEnv    an environment variable holding the password, used instead of one in the URI; or null
 * @param nodeId         this node's name in logs and ban messages; null means the host name
 * @param keyPrefix      put in front of every Redis key and channel, so fleets can share one Redis
 * @param sync           how buckets synchronise with Redis (see {@link Sync})
 * @param syncTokens     {@link Sync#DELAYED}: tokens a node may take locally before it synchronises
 * @param syncPeriod     {@link Sync#DELAYED}: longest time a node answers locally before it synchronises
 * @param connectTimeout connecting (and authenticating) to Redis
 * @param commandTimeout longest a request waits for Redis; after it the request is answered by the local bucket
 * @param fallbackAfter  Redis failing for this long (commands failing or timing out, or the connection down)
 *                       turns the node to local buckets and bans until Redis answers again; also how often a
 *                       node on local state checks whether Redis is back
 */
public record ClusterConfig(boolean enabled, String redis, String passwordEnv, String nodeId, String keyPrefix,
                            Sync sync, int syncTokens, Duration syncPeriod, Duration connectTimeout,
                            Duration commandTimeout, Duration fallbackAfter) {

    private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel",
            "redis-cluster", "rediss-cluster");

    /** How rate-limit buckets are kept in step with Redis. */
    public enum Sync {
        /**
         * Every request takes its token in Redis (one round trip, asynchronous: the request waits, the event
         * loop does not); concurrent requests for one key share a round trip (Bucket4j batching). The fleet
         * never lets more through than the policy allows.
         */
        EXACT,
        /**
         * Each node answers from its copy of the bucket at once and sends the tokens it gave out to Redis in
         * the background (after half of {@code sync_tokens} tokens or {@code sync_period}, whichever comes
         * first), taking Redis's state back. A node never runs more than {@code sync_tokens} tokens ahead of
         * Redis, so the fleet lets through at most {@code nodes x sync_tokens} more than the policy; a request
         * waits for Redis only when its node is that far ahead.
         */
        DELAYED
    }

    public ClusterConfig {
        if (redis == null || redis.isBlank()) {
            throw new IllegalArgumentException("redis: missing (expected: redis://host:port, rediss://..., "
                    + "redis-sentinel://...#master or redis-cluster://host:port,host:port)");
        }
        try {
            checkUri(redis);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redis: " + e.getMessage());
        }
        if (nodeId != null && !nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("node_id: '" + nodeId + "' (expected: 1..64 of A-Z a-z 0-9 . _ -)");
        }
        keyPrefix = keyPrefix == null ? "palisade:" : keyPrefix;
        if (!keyPrefix.matches("[A-Za-z0-9._:{}-]{0,64}")) {
            throw new IllegalArgumentException("key_prefix: '" + keyPrefix + "' (expected: up to 64 of A-Z a-z 0-9 . _ : - { })");
        }
        sync = sync == null ? Sync.EXACT : sync;
        if (syncTokens < 1) {
            throw new IllegalArgumentException("sync_tokens: " + syncTokens + " (expected: > 0)");
        }
        positive("sync_period", syncPeriod);
        positive("connect_timeout", connectTimeout);
        positive("command_timeout", commandTimeout);
        positive("fallback_after", fallbackAfter);
        if (passwordEnv != null && !passwordEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("password_env: '" + passwordEnv + "' (expected: an environment variable name)");
        }
    }

    /** Distributed mode on {@code redis} with every other setting at its default (tests, the one-line proxy). */
    public static ClusterConfig of(String redis, String nodeId) {
        return new ClusterConfig(true, redis, null, nodeId, null, Sync.EXACT, 10, Duration.ofMillis(100),
                Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofSeconds(1));
    }

    /** The URI with any password replaced by {@code ***}, for logs and the admin pages. */
    public String redactedUri() {
        int at = redis.lastIndexOf('@');
        int scheme = redis.indexOf("://");
        if (at < 0 || scheme < 0 || at < scheme) {
            return redis;
        }
        String user = redis.substring(scheme + 3, at);
        int colon = user.indexOf(':');
        String shown = colon < 0 ? "***" : user.substring(0, colon) + ":***";
        return redis.substring(0, scheme + 3) + shown + redis.substring(at);
    }

    private static String checkedUri(String text) {
        checkUri(text);
        return text;
    }

    private static void checkUri(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI (" + e.getReason() + "; expected: redis://host:port)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("scheme '" + scheme
                    + "' (expected: redis, rediss, redis-sentinel, rediss-sentinel, redis-cluster or rediss-cluster)");
        }
        if (scheme.endsWith("cluster")) {
            checkClusterSeeds(uri);
            return;
        }
        if (scheme.endsWith("sentinel")) {
            if (uri.getRawAuthority() == null || uri.getFragment() == null || uri.getFragment().isEmpty()) {
                throw new IllegalArgumentException("a sentinel URI needs hosts and the master name "
                        + "(expected: redis-sentinel://host:26379,host2:26379#mymaster)");
            }
            return;
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in the URI (expected: redis://host:port)");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("port " + uri.getPort() + " (expected: 1..65535)");
        }
        String path = uri.getPath();
        if (path != null && !path.isEmpty() && !path.matches("/\\d{0,2}")) {
            throw new IllegalArgumentException("path '" + path + "' (expected: /N, a database number)");
        }
    }

    /** Redis Cluster seed nodes: host:port each, database 0 only (a cluster has no other). */
    private static void checkClusterSeeds(URI uri) {
        String authority = uri.getRawAuthority();
        String hosts = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
        if (hosts.isEmpty() || uri.getFragment() != null || uri.getQuery() != null
                || uri.getPath() != null && !uri.getPath().isEmpty()) {
            throw new IllegalArgumentException("a cluster URI names seed nodes only (expected: "
                    + "redis-cluster://host:6379,host2:6379)");
        }
        for (String seed : hosts.split(",", -1)) {
            int colon = seed.lastIndexOf(':');
            String port = colon < 0 ? "" : seed.substring(colon + 1);
            if (colon <= 0 || seed.endsWith("]") || !port.matches("\\d{1,5}") || Integer.parseInt(port) < 1
                    || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("cluster seed '" + seed + "' (expected: host:port, port 1..65535)");
            }
        }
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + ": " + (d == null ? "missing" : Durations.format(d)) + " (expected: > 0)");
        }
    }

    static ClusterConfig from(ConfigNode n) {
        ClusterConfig d = of("redis://127.0.0.1:6379", null);
        boolean enabled = n.bool("enabled", true);
        String redis = n.has("redis") ? n.parsed("redis", ClusterConfig::checkedUri, null) : n.requiredString("redis");
        String passwordEnv = n.string("password_env", null);
        String nodeId = n.string("node_id", null);
        String prefix = n.string("key_prefix", d.keyPrefix);
        Sync sync = n.parsed("sync", ClusterConfig::parseSync, d.sync);
        int tokens = (int) n.number("sync_tokens", 1, 1_000_000, d.syncTokens);
        Duration period = n.duration("sync_period", d.syncPeriod);
        Duration connect = n.duration("connect_timeout", d.connectTimeout);
        Duration command = n.duration("command_timeout", d.commandTimeout);
        Duration fallback = n.duration("fallback_after", d.fallbackAfter);
        n.finish();
        if (redis == null) {
            return null;
        }
        return n.build(() -> new ClusterConfig(enabled, redis, passwordEnv, nodeId, prefix, sync, tokens, period,
                connect, command, fallback), null);
    }

    private static Sync parseSync(String s) {
        switch (s) {
            case "exact": return Sync.EXACT;
            case "delayed": return Sync.DELAYED;
            default: throw new IllegalArgumentException("'" + s + "' (expected: exact or delayed)");
        }
    }
}
