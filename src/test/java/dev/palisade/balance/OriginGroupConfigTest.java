package dev.palisade.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.HostPort;
import dev.palisade.config.OriginGroupConfig;

/** The origin group keys of palisade.yaml: defaults, every key read, located errors. */
class OriginGroupConfigTest {

    private static final String HEAD = """
            listeners:
              - bind: 127.0.0.1:8080
            origins:
              app:
            """;

    private static OriginGroupConfig parse(String group) throws ConfigException {
        return ConfigLoader.parse(HEAD + group, "palisade.yaml", null, Path.of("/etc/palisade")).origins().get("app");
    }

    private static String problems(String group) {
        return assertThrows(ConfigException.class, () -> parse(group)).problems().stream()
                .map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void defaults() throws Exception {
        OriginGroupConfig c = parse("    servers: [10.0.0.5:8080]\n");
        assertEquals("round_robin", c.balance());
        assertNull(c.hashKey());
        assertEquals(Duration.ZERO, c.slowStart());
        assertNull(c.healthCheck(), "active checks are off unless configured");
        assertEquals(OriginGroupConfig.Outlier.DEFAULTS, c.outlier());
        assertEquals(OriginGroupConfig.Retries.DEFAULTS, c.retries());
        assertEquals(OriginGroupConfig.Limits.NONE, c.limits());
        assertEquals(OriginGroupConfig.Timeouts.INHERIT, c.timeouts());
        assertEquals(List.of(HostPort.parse("10.0.0.5:8080")), c.servers());
    }

    @Test
    void everyKey() throws Exception {
        OriginGroupConfig c = parse("""
                    servers:
                      - 10.0.0.5:8080
                      - address: app2.internal:8080
                        weight: 3
                    balance: hash
                    hash_key: cookie:session
                    slow_start: 30s
                    health_check:
                      path: /healthz
                      expect_status: 204
                      interval: 2s
                      timeout: 500ms
                      rise: 3
                      fall: 2
                    outlier:
                      consecutive_failures: 7
                      base_ejection: 10s
                      max_ejection: 2m
                    retries:
                      attempts: 3
                      budget_percent: 10
                      min_per_second: 5
                    limits:
                      max_connections: 100
                      max_pending: 10
                      group_max_connections: 300
                      group_max_pending: 30
                    timeouts:
                      connect: 1s
                      response_header: 15s
                      idle: 30s
                """);
        assertEquals(3, c.members().get(1).weight());
        assertEquals("cookie:session", c.hashKey());
        assertEquals(Duration.ofSeconds(30), c.slowStart());
        assertEquals(new OriginGroupConfig.HealthCheck("/healthz", 204, Duration.ofSeconds(2), Duration.ofMillis(500), 3, 2),
                c.healthCheck());
        assertEquals(new OriginGroupConfig.Outlier(7, Duration.ofSeconds(10), Duration.ofMinutes(2)), c.outlier());
        assertEquals(new OriginGroupConfig.Retries(3, 10, 5), c.retries());
        assertEquals(new OriginGroupConfig.Limits(100, 10, 300, 30), c.limits());
        assertEquals(Duration.ofSeconds(1), c.timeouts().connectOr(Duration.ofSeconds(5)));
        assertEquals(Duration.ofSeconds(60), OriginGroupConfig.Timeouts.INHERIT.responseHeaderOr(Duration.ofSeconds(60)));
    }

    @Test
    void locatedErrors() {
        String p = problems("""
                    servers: [10.0.0.5:8080]
                    balance: fastest
                """);
        assertTrue(p.contains("palisade.yaml:6") && p.contains("balance: 'fastest'"), p);

        p = problems("""
                    servers:
                      - address: 10.0.0.5:8080
                        weight: 0
                """);
        assertTrue(p.contains("palisade.yaml:7") && p.contains("weight"), p);

        p = problems("""
                    servers: [10.0.0.5:8080]
                    health_check:
                      path: /h
                      rise: 0
                      intervall: 2s
                """);
        assertTrue(p.contains("rise") && p.contains("intervall") && p.contains("unknown key"), p);

        p = problems("""
                    servers: [10.0.0.5:8080]
                    balance: round_robin
                    hash_key: header:X-User
                """);
        assertTrue(p.contains("hash_key"), p);

        p = problems("""
                    servers: [10.0.0.5:8080]
                    balance: hash
                    hash_key: query:id
                """);
        assertTrue(p.contains("hash_key: 'query:id'"), p);

        p = problems("""
                    servers: [10.0.0.5:8080]
                    outlier:
                      base_ejection: 1m
                      max_ejection: 10s
                """);
        assertTrue(p.contains("max_ejection"), p);

        p = problems("""
                    servers: [10.0.0.5:8080, 10.0.0.5:8080]
                """);
        assertTrue(p.contains("listed twice"), p);
    }
}
