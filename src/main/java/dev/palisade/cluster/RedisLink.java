package dev.palisade.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

import dev.palisade.config.ClusterConfig;

/**
 * The Lettuce client for the configured Redis, standalone (and Sentinel) or Redis Cluster, behind the few calls
 * {@link ClusterNode} needs: a data connection with its Bucket4j proxy manager and its commands, and a pub/sub
 * connection. {@code redis-cluster://host:port,host:port} (or {@code rediss-cluster://}) names Redis Cluster seed
 * nodes: the cluster client discovers the rest, follows slot moves and fail-overs, and the ban channel uses
 * Redis Cluster's pub/sub (a message published on any node reaches subscribers on every node).
 */
abstract class RedisLink {

    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** One open data connection: the bucket store on it and its commands (for the ban keys and the probe). */
    record Data(StatefulConnection<String, byte[]> connection, AsyncProxyManager<String> buckets,
                RedisClusterAsyncCommands<String, byte[]> commands) {}

    abstract CompletableFuture<Data> connect();

    abstract CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub();

    abstract AbstractRedisClient client();

    /** Whether {@code uri} names Redis Cluster seed nodes. */
    static boolean isCluster(String uri) {
        String s = uri.toLowerCase(Locale.ROOT);
        return s.startsWith("redis-cluster://") || s.startsWith("rediss-cluster://");
    }

    /**
     * The Redis URIs {@code config} names (one, or a cluster's seed nodes), with {@code password} (from
     * {@code password_env}) when given and the command timeout.
     *
     * @throws IllegalArgumentException when Lettuce refuses a URI the config let through
     */
    static List<RedisURI> uris(ClusterConfig config, String password) {
        List<RedisURI> out = new ArrayList<>();
        String text = config.redis();
        if (isCluster(text)) {
            int scheme = text.indexOf("://");
            boolean tls = text.substring(0, scheme).equalsIgnoreCase("rediss-cluster");
            String rest = text.substring(scheme + 3);
            int at = rest.lastIndexOf('@');
            String user = at < 0 ? "" : rest.substring(0, at + 1);
            for (String hostPort : rest.substring(at + 1).split(",")) {
                out.add(RedisURI.create((tls ? "rediss://" : "redis://") + user + hostPort.trim()));
            }
        } else {
            out.add(RedisURI.create(text));
        }
        for (RedisURI u : out) {
            if (password != null && !password.isEmpty()) {
                u.setPassword(password.toCharArray());
            }
            u.setTimeout(config.commandTimeout());
        }
        return out;
    }

    static RedisLink create(ClusterConfig config, List<RedisURI> uris, ClientResources resources) {
        SocketOptions socket = SocketOptions.builder().connectTimeout(config.connectTimeout()).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(config.commandTimeout());
        if (isCluster(config.redis())) {
            RedisClusterClient client = RedisClusterClient.create(resources, uris);
            client.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    // a fail-over or a slot move is noticed by the redirects and errors it causes, and every 30 s
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers()
                            .enablePeriodicRefresh(Duration.ofSeconds(30))
                            .build())
                    .build());
            return new Cluster(client);
        }
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // while the connection is down a command fails at once instead of queueing: the request falls back
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socket)
                .timeoutOptions(timeouts)
                .build());
        return new Standalone(client, uris.get(0));
    }

    private static AsyncProxyManager<String> withExpiry(Bucket4jLettuce.LettuceBasedProxyManagerBuilder<String> b) {
        return b.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build()
                .asAsync();
    }

    private static final class Standalone extends RedisLink {
        private final RedisClient client;
        private final RedisURI uri;

        Standalone(RedisClient client, RedisURI uri) {
            this.client = client;
            this.uri = uri;
        }

        @Override
        CompletableFuture<Data> connect() {
            return client.connectAsync(CODEC, uri).toCompletableFuture().thenApply((StatefulRedisConnection<String, byte[]> c) ->
                    new Data(c, withExpiry(Bucket4jLettuce.casBasedBuilder(c)), c.async()));
        }

        @Override
        CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
            return client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture();
        }

        @Override
        AbstractRedisClient client() {
            return client;
        }
    }

    private static final class Cluster extends RedisLink {
        private final RedisClusterClient client;

        Cluster(RedisClusterClient client) {
            this.client = client;
        }

        @Override
        CompletableFuture<Data> connect() {
            // the cluster client connects only once it knows the topology: ask the seeds for it first (again on
            // every retry, so a cluster that was down at start is found when it comes up)
            return client.refreshPartitionsAsync().toCompletableFuture()
                    .thenCompose(v -> client.connectAsync(CODEC))
                    .thenApply((StatefulRedisClusterConnection<String, byte[]> c) ->
                    new Data(c, withExpiry(Bucket4jLettuce.casBasedBuilder(c)), c.async()));
        }

        @Override
        CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
            return client.connectPubSubAsync(StringCodec.UTF8).thenApply(p -> p);
        }

        @Override
        AbstractRedisClient client() {
            return client;
        }
    }
}
