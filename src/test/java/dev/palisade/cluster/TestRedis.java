package dev.palisade.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import redis.embedded.RedisServer;

import dev.palisade.testing.FreePort;

/**
 * A real Redis server (the binary the embedded-redis test dependency ships) on a free loopback port, for
 * the distributed-mode tests: no install needed. It saves nothing (no RDB, no AOF) and works in
 * {@code target/redis-test}, so no dump file lands in the repository. Can be stopped and started again on
 * the same port, to act out an outage.
 */
final class TestRedis implements AutoCloseable {

    private final int port;
    private final String password;
    private final Integer masterPort;
    private RedisServer server;

    TestRedis() {
        this(null);
    }

    TestRedis(String password) {
        this(password, null);
    }

    private TestRedis(String password, Integer masterPort) {
        this.port = FreePort.loopback();
        this.password = password;
        this.masterPort = masterPort;
        start();
    }

    /** A replica of the Redis on {@code masterPort}. */
    static TestRedis replicaOf(int masterPort) {
        return new TestRedis(null, masterPort);
    }

    int port() {
        return port;
    }

    /** The URI to put in {@code cluster.redis}. */
    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    void start() {
        try {
            Path dir = Files.createDirectories(Path.of("target", "redis-test"));
            var b = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .setting("dir " + dir.toAbsolutePath());
            if (password != null) {
                b.setting("requirepass " + password);
            }
            if (masterPort != null) {
                b.slaveOf("127.0.0.1", masterPort);
            }
            server = b.build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stop() {
        try {
            if (server != null) {
                server.stop();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = null;
    }

    @Override
    public void close() {
        stop();
    }

}
