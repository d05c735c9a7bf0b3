package dev.palisade.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import dev.palisade.guard.flood.BanList;

/**
 * Bans shared by the fleet. A ban decided on this node is written to Redis as {@code <prefix>ban:<address>}
 * with the ban's time as its expiry, and published on {@code <prefix>bans}; every node subscribed applies it
 * at once (the ban holds fleet-wide within the pub/sub delivery time, well under a second). A node that
 * starts, or comes back after Redis was away, loads the ban keys still there. Lifted bans travel the same way,
 * and so does clearing every ban (the ban keys are deleted, every node clears its list).
 *
 * <p>Messages are tab-separated text: {@code ban <node> <address> <millis> <reason>},
 * {@code unban <node> <address>} and {@code clear <node>}. A node ignores its own messages, and anything that is not an IP literal
 * (so a message never causes a name lookup).
 */
final class BanSync implements BanList.Listener {

    private static final Logger log = LoggerFactory.getLogger(BanSync.class);
    /** A dotted IPv4 address, or an IPv6 one (a colon makes the JDK parse it as a literal, never look it up). */
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]{1,44}");
    private static final int MAX_REASON = 200;
    /** A peer's ban lasts at most a year here, whatever the message says. */
    private static final long MAX_BAN_MILLIS = 365L * 24 * 3600 * 1000;
    /** At most this many ban keys are loaded at start; the ban list itself is bounded too. */
    private static final int MAX_LOADED = 100_000;

    private final ClusterNode node;
    private final String keyPrefix;
    private final String channel;
    private final Supplier<BanList> bans;
    /** Clears heard from other nodes; a load of the ban keys that began before the latest one is dropped. */
    private final AtomicLong clears = new AtomicLong();

    BanSync(ClusterNode node, String keyPrefix, Supplier<BanList> bans) {
        this.node = node;
        this.keyPrefix = keyPrefix + "ban:";
        this.channel = channel(keyPrefix);
        this.bans = bans;
    }

    static String channel(String keyPrefix) {
        return keyPrefix + "bans";
    }

    @Override
    public void banned(InetAddress key, BanList.Cause cause, BanList.Ban ban) {
        share(key, ban.reason(), ban.duration());
    }

    /**
     * After an outage: every ban in force here (decided while on local state, or before) goes to Redis and
     * to the other nodes with the time it has left, so bans decided alone hold fleet-wide once Redis is back.
     */
    void pushAll() {
        int[] pushed = {0};
        bans.get().forEach((key, ban) -> {
            if (pushed[0]++ < MAX_LOADED) {
                share(key, ban.reason(), ban.remaining());
            }
        });
        if (pushed[0] > 0) {
            log.info("cluster node {}: {} ban(s) in force here shared again", node.nodeId(), Math.min(pushed[0], MAX_LOADED));
        }
    }

    private void share(InetAddress key, String reason, Duration left) {
        RedisClusterAsyncCommands<String, byte[]> redis = commands();
        if (redis == null) {
            return;
        }
        String ip = key.getHostAddress();
        String why = clean(reason);
        long ms = Math.max(1, left.toMillis());
        redis.set(keyPrefix + ip, (node.nodeId() + "\t" + why).getBytes(StandardCharsets.UTF_8), SetArgs.Builder.px(ms))
                .exceptionally(this::failed);
        redis.publish(channel, bytes("ban\t" + node.nodeId() + "\t" + ip + "\t" + ms + "\t" + why)).exceptionally(this::failed);
    }

    @Override
    public void unbanned(InetAddress key) {
        RedisClusterAsyncCommands<String, byte[]> redis = commands();
        if (redis == null) {
            return;
        }
        String ip = key.getHostAddress();
        redis.del(keyPrefix + ip).exceptionally(this::failed);
        redis.publish(channel, bytes("unban\t" + node.nodeId() + "\t" + ip)).exceptionally(this::failed);
    }

    @Override
    public void cleared() {
        RedisClusterAsyncCommands<String, byte[]> redis = commands();
        if (redis == null) {
            return;
        }
        // keys first, then the message: a node that reloads on the message must not find the old keys
        deleteAll(redis, ScanCursor.INITIAL, () -> redis.publish(channel, bytes("clear\t" + node.nodeId()))
                .exceptionally(this::failed));
    }

    private void deleteAll(RedisClusterAsyncCommands<String, byte[]> redis, ScanCursor cursor, Runnable then) {
        redis.scan(cursor, ScanArgs.Builder.matches(keyPrefix + "*").limit(500)).thenCompose((KeyScanCursor<String> c) ->
                (c.getKeys().isEmpty() ? CompletableFuture.<Long>completedFuture(0L)
                        : (CompletionStage<Long>) redis.del(c.getKeys().toArray(String[]::new))).thenAccept(deleted -> {
                            if (c.isFinished()) {
                                then.run();
                            } else {
                                deleteAll(redis, c, then);
                            }
                        })).exceptionally(this::failed);
    }

    /** A message on the ban channel (on a Redis client thread). */
    void onMessage(String message) {
        String[] f = message.split("\t", 5);
        if (f.length < 2 || f[1].equals(node.nodeId())) {
            return;
        }
        if (f[0].equals("clear") && f.length == 2) {
            clears.incrementAndGet();
            bans.get().applyPeerClear();
            return;
        }
        if (f.length < 3) {
            return;
        }
        InetAddress address = literal(f[2]);
        if (address == null) {
            return;
        }
        if (f[0].equals("ban") && f.length == 5) {
            long ms;
            try {
                ms = Long.parseLong(f[3]);
            } catch (NumberFormatException e) {
                return;
            }
            bans.get().applyPeerBan(address, Duration.ofMillis(Math.min(ms, MAX_BAN_MILLIS)),
                    clean(f[4]) + " (node " + clean(f[1]) + ")");
        } else if (f[0].equals("unban")) {
            bans.get().applyPeerUnban(address);
        }
    }

    /**
     * Loads every ban key in Redis with its remaining time, asynchronously (SCAN, then GET and PTTL per key);
     * says how many in the log when {@code logIt}.
     */
    void loadAll(boolean logIt) {
        RedisClusterAsyncCommands<String, byte[]> redis = commands();
        if (redis != null) {
            scan(redis, ScanCursor.INITIAL, 0, logIt, clears.get());
        }
    }

    /** {@code clearsSeen}: clears heard of when the load began; a ban read before a later clear is not applied. */
    private void scan(RedisClusterAsyncCommands<String, byte[]> redis, ScanCursor cursor, int loaded, boolean logIt,
                      long clearsSeen) {
        redis.scan(cursor, ScanArgs.Builder.matches(keyPrefix + "*").limit(500)).thenAccept((KeyScanCursor<String> c) -> {
            for (String k : c.getKeys()) {
                load(redis, k, clearsSeen);
            }
            int total = loaded + c.getKeys().size();
            if (!c.isFinished() && total < MAX_LOADED) {
                scan(redis, c, total, logIt, clearsSeen);
            } else if (total > 0 && logIt) {
                log.info("cluster node {}: {} ban(s) loaded from redis", node.nodeId(), total);
            }
        }).exceptionally(this::failed);
    }

    private void load(RedisClusterAsyncCommands<String, byte[]> redis, String key, long clearsSeen) {
        InetAddress address = literal(key.substring(keyPrefix.length()));
        if (address == null) {
            return;
        }
        redis.pttl(key).thenCombine(redis.get(key), (ttl, value) -> {
            if (ttl != null && ttl > 0 && value != null && clears.get() == clearsSeen) {
                String[] f = new String(value, StandardCharsets.UTF_8).split("\t", 2);
                String reason = f.length == 2 ? clean(f[1]) + " (node " + clean(f[0]) + ")" : "shared ban";
                bans.get().applyPeerBan(address, Duration.ofMillis(Math.min(ttl, MAX_BAN_MILLIS)), reason);
            }
            return null;
        }).toCompletableFuture().orTimeout(node.config().commandTimeout().toMillis() * 4, TimeUnit.MILLISECONDS)
                .exceptionally(this::failed);
    }

    private RedisClusterAsyncCommands<String, byte[]> commands() {
        return node.sharing() ? node.commands() : null;
    }

    private <T> T failed(Throwable e) {
        node.failed(e);
        return null;
    }

    private static InetAddress literal(String s) {
        if (!IP_LITERAL.matcher(s).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String clean(String s) {
        String t = s.replaceAll("[\\t\\r\\n\\x00-\\x1f\\x7f]", " ");
        return t.length() > MAX_REASON ? t.substring(0, MAX_REASON) : t;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
