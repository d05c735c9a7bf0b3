package dev.palisade.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import redis.embedded.RedisServer;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import dev.palisade.testing.FreePort;

/**
 * A real Redis Cluster of three masters (the embedded-redis binary with {@code cluster-enabled yes}) on free
 * loopback ports whose cluster-bus ports (port + 10000) are free too. The slots are split in three with
 * CLUSTER ADDSLOTS and the nodes introduced with CLUSTER MEET, through Lettuce; the constructor returns once every
 * node reports {@code cluster_state:ok}. Nothing is saved; each node works in its own directory under target/.
 */
final class TestRedisCluster implements AutoCloseable {

    private static final int SLOTS = 16384;

    private final List<Integer> ports = new ArrayList<>();
    private final List<RedisServer> servers = new ArrayList<>();

    TestRedisCluster() throws Exception {
        try {
            for (int i = 0; i < 3; i++) {
                int port = portWithFreeBus();
                Path dir = Files.createDirectories(Path.of("target", "redis-test", "cluster-" + port));
                Files.deleteIfExists(dir.resolve("nodes.conf"));
                RedisServer s = RedisServer.newRedisServer()
                        .port(port)
                        .bind("127.0.0.1")
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .setting("dir " + dir.toAbsolutePath())
                        .setting("cluster-enabled yes")
                        .setting("cluster-config-file nodes.conf")
                        .setting("cluster-node-timeout 2000")
                        .build();
                s.start();
                ports.add(port);
                servers.add(s);
            }
            form();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** The URI to put in {@code cluster.redis}: two of the three nodes as seeds. */
    String uri() {
        return "redis-cluster://127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1);
    }

    private void form() throws InterruptedException {
        RedisClient client = RedisClient.create();
        try {
            List<StatefulRedisConnection<String, String>> conns = new ArrayList<>();
            for (int port : ports) {
                conns.add(client.connect(RedisURI.create("redis://127.0.0.1:" + port)));
            }
            int per = SLOTS / ports.size();
            for (int i = 0; i < conns.size(); i++) {
                int from = i * per;
                int to = i == conns.size() - 1 ? SLOTS : from + per;
                conns.get(i).sync().clusterAddSlots(IntStream.range(from, to).toArray());
            }
            RedisCommands<String, String> first = conns.get(0).sync();
            for (int i = 1; i < ports.size(); i++) {
                first.clusterMeet("127.0.0.1", ports.get(i));
            }
            long end = System.nanoTime() + 30_000_000_000L;
            while (!conns.stream().allMatch(c -> c.sync().clusterInfo().contains("cluster_state:ok")
                    && c.sync().clusterInfo().contains("cluster_known_nodes:" + ports.size()))) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("the cluster did not form: " + conns.stream()
                            .map(c -> c.sync().clusterInfo().lines().filter(l -> l.startsWith("cluster_state")
                                    || l.startsWith("cluster_known")).collect(Collectors.joining(" ")))
                            .collect(Collectors.joining("; ")));
                }
                Thread.sleep(50);
            }
            conns.forEach(StatefulRedisConnection::close);
        } finally {
            client.shutdown();
        }
    }

    private static int portWithFreeBus() {
        for (int i = 0; i < 100; i++) {
            int port = FreePort.loopback();
            if (port + 10000 <= 65535 && free(port + 10000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port with a free cluster-bus port");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (RedisServer s : servers) {
            try {
                s.stop();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        servers.clear();
    }
}
