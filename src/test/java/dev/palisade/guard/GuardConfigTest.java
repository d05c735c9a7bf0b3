package dev.palisade.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.palisade.config.Cidr;
import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.GuardConfig;
import dev.palisade.config.GuardConfig.KeyPart;
import dev.palisade.config.GuardConfig.Limit;
import dev.palisade.config.PalisadeConfig;

class GuardConfigTest {

    private static final String HEAD = """
            listeners:
              - bind: 127.0.0.1:0
            origins:
              app:
                servers: [127.0.0.1:9000]
            """;

    private static PalisadeConfig parse(String guard) throws ConfigException {
        return ConfigLoader.parse(HEAD + guard, "palisade.yaml", null, Path.of("/etc/palisade"));
    }

    private static List<ConfigProblem> problems(String guard) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(guard));
        return e.problems();
    }

    private static String text(List<ConfigProblem> ps) {
        return ps.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void noGuardSectionGivesTheDefaults() throws Exception {
        GuardConfig g = parse("").guard();
        assertSame(GuardConfig.DEFAULTS, g);
        assertTrue(g.enabled());
        assertTrue(g.gate().enabled());
        assertEquals(256, g.gate().maxConnectionsPerAddress());
        assertEquals(200, g.gate().newConnectionsPerSecond());
        assertEquals(400, g.gate().newConnectionsBurst());
        assertEquals(16_384, g.gate().maxConnections());
        assertEquals(20, g.bans().afterViolations());
        assertEquals(500, g.slow().minBodyRate());
        assertEquals(Duration.ofSeconds(60), g.slow().writeTimeout());
        assertTrue(g.rateLimits().isEmpty());
    }

    @Test
    void readsEverySection() throws Exception {
        GuardConfig g = parse("""
                guard:
                  gate:
                    max_connections_per_address: 64
                    new_connections_per_second: 50
                    new_connections_burst: 80
                    max_connections: 1000
                    allow: [10.0.0.0/8, "2001:db8::/32"]
                    deny: 203.0.113.7
                    deny_file: deny.txt
                    ipv6_prefix: 56
                    proxy_header_timeout: 3s
                  bans:
                    after_violations: 5
                    window: 30s
                    duration: 2m
                    max_duration: 2h
                    max_entries: 1000
                  slow:
                    min_body_rate: 1k
                    body_rate_grace: 5s
                    body_rate_window: 4s
                    write_timeout: off
                  rate_limits:
                    - name: api
                      key: [address, "header:X-Api-Key"]
                      limits:
                        - {requests: 100, per: 1s, burst: 200}
                        - 2000/min
                      hosts: ["*.example.com"]
                      methods: [post, put]
                    - name: login
                      key: cookie:session
                      limits: ["5/10s burst 10"]
                      paths: [/login]
                      mode: detect
                      ban: true
                """).guard();
        GuardConfig.Gate gate = g.gate();
        assertEquals(64, gate.maxConnectionsPerAddress());
        assertEquals(50, gate.newConnectionsPerSecond());
        assertEquals(80, gate.newConnectionsBurst());
        assertEquals(1000, gate.maxConnections());
        assertEquals(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")), gate.allow());
        assertEquals(List.of(Cidr.parse("203.0.113.7")), gate.deny());
        assertEquals(Path.of("/etc/palisade/deny.txt"), gate.denyFile(), "resolved against the config file's directory");
        assertEquals(Path.of("/srv/deny.txt"), new GuardConfig(g.enabled(), new GuardConfig.Gate(gate.enabled(),
                gate.maxConnectionsPerAddress(), gate.newConnectionsPerSecond(), gate.newConnectionsBurst(), gate.maxConnections(),
                gate.allow(), gate.deny(), Path.of("deny.txt"), gate.denyFileCheck(), gate.maxTrackedAddresses(), gate.ipv6Prefix(),
                gate.proxyHeaderTimeout()), g.bans(), g.slow(), g.rateLimits()).resolve(Path.of("/srv")).gate().denyFile());
        assertEquals(56, gate.ipv6Prefix());
        assertEquals(Duration.ofSeconds(3), gate.proxyHeaderTimeout());
        assertEquals(5, g.bans().afterViolations());
        assertEquals(Duration.ofMinutes(2), g.bans().duration());
        assertEquals(Duration.ofHours(2), g.bans().maxDuration());
        assertEquals(1024, g.slow().minBodyRate());
        assertFalse(g.slow().writeTimeoutEnabled());

        GuardConfig.RateLimitPolicy api = g.rateLimits().get(0);
        assertEquals("api", api.name());
        assertEquals(List.of(KeyPart.ADDRESS, KeyPart.parse("header:x-api-key")), api.key());
        assertEquals(List.of(new Limit(100, Duration.ofSeconds(1), 200), Limit.of(2000, Duration.ofMinutes(1))),
                api.limits());
        assertEquals(List.of("POST", "PUT"), api.methods());
        assertEquals(List.of("*.example.com"), api.hosts());
        assertFalse(api.detectOnly());

        GuardConfig.RateLimitPolicy login = g.rateLimits().get(1);
        assertEquals(List.of(new KeyPart(KeyPart.Kind.COOKIE, "session")), login.key());
        assertEquals(List.of(new Limit(5, Duration.ofSeconds(10), 10)), login.limits());
        assertEquals(List.of("/login"), login.paths());
        assertTrue(login.detectOnly());
        assertTrue(login.ban());
    }

    @Test
    void policyWithoutKeyIsKeyedByAddress() throws Exception {
        GuardConfig g = parse("""
                guard:
                  rate_limits:
                    - name: all
                      limits: [10/s]
                """).guard();
        assertEquals(List.of(KeyPart.ADDRESS), g.rateLimits().get(0).key());
        assertNull(g.gate().denyFile());
    }

    /**
     * One row a bad guard section: the problems it must produce (each checked as a substring of all of them) and,
     * where the row pins it, how many problems there must be in all.
     */
    private record Bad(String name, String guard, List<String> expected, Integer count) {
        static Bad of(String name, String guard, String... expected) {
            return new Bad(name, guard, List.of(expected), null);
        }

        Bad exactly(int n) {
            return new Bad(name, guard, expected, n);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Bad> badSections() {
        return List.of(
                Bad.of("zero and negative limits are located", """
                        guard:
                          gate:
                            max_connections_per_address: 0
                            new_connections_per_second: -5
                          rate_limits:
                            - name: api
                              limits:
                                - {requests: 0, per: 1s}
                        """,
                        "palisade.yaml:8: guard.gate.max_connections_per_address: 0 (expected: 1..1000000)",
                        "palisade.yaml:9: guard.gate.new_connections_per_second: -5",
                        "palisade.yaml:13: guard.rate_limits[0].limits[0].requests: 0"),
                Bad.of("unknown keys are reported with their path", """
                        guard:
                          gate:
                            max_conections: 10
                          slow:
                            min_body_rate: 100
                          rate_limits:
                            - name: api
                              limits: [10/s]
                              scope: /api
                          bogus: 1
                        """,
                        "palisade.yaml:8: guard.gate.max_conections: unknown key",
                        "palisade.yaml:14: guard.rate_limits[0].scope: unknown key",
                        "palisade.yaml:15: guard.bogus: unknown key").exactly(3),
                Bad.of("malformed cidrs, keys and limits are located", """
                        guard:
                          gate:
                            allow: [10.0.0.0/8, 10.0.0.300/8]
                            deny: ["2001:db8::/200"]
                          rate_limits:
                            - name: api
                              key: [address, ip]
                              limits: ["100 per second"]
                              mode: enforce
                        """,
                        "palisade.yaml:8: guard.gate.allow[1]: cidr: '10.0.0.300/8' is not an IP address",
                        "palisade.yaml:9: guard.gate.deny[0]: cidr: prefix /200",
                        "palisade.yaml:12: guard.rate_limits[0].key[1]: key: 'ip'",
                        "palisade.yaml:13: guard.rate_limits[0].limits[0]: limit: '100 per second'",
                        "palisade.yaml:14: guard.rate_limits[0].mode: 'enforce' (expected: block or detect)"),
                Bad.of("duplicate and overlapping policies are refused", """
                        guard:
                          rate_limits:
                            - name: a
                              limits: [10/s]
                              methods: [GET, POST]
                            - name: a
                              limits: [20/s]
                            - name: b
                              limits: [5/s]
                              methods: [post, get]
                        """,
                        "palisade.yaml:11: guard.rate_limits[1]: name: 'a' is already used by rate_limits[0]",
                        "palisade.yaml:13: guard.rate_limits[2]: has the same key and scope as policy 'a'"),
                Bad.of("inconsistent values are located at their section", """
                        guard:
                          gate:
                            new_connections_per_second: 100
                            new_connections_burst: 50
                          bans:
                            duration: 10m
                            max_duration: 1m
                          rate_limits:
                            - name: x
                              limits: ["100/s burst 10"]
                            - name: y
                        """,
                        "palisade.yaml:8: guard.gate: new_connections_burst: 50 (expected: >= new_connections_per_second 100)",
                        "palisade.yaml:11: guard.bans: max_duration: 1m (expected: >= duration 10m)",
                        "guard.rate_limits[0].limits[0]: burst: 10 (expected: >= requests 100)",
                        "palisade.yaml:16: guard.rate_limits[1]: limits: missing"),
                Bad.of("limit mappings are checked key by key", """
                        guard:
                          rate_limits:
                            - name: api
                              limits:
                                - {requests: 10, per: 1s, brust: 20}
                                - {requests: 10, per: 0s}
                                - {per: 1s}
                        """,
                        "palisade.yaml:10: guard.rate_limits[0].limits[0].brust: unknown key",
                        "palisade.yaml:11: guard.rate_limits[0].limits[1]: per: 0s (expected: > 0)",
                        "palisade.yaml:12: guard.rate_limits[0].limits[2]: requests: missing"),
                Bad.of("scopes that can never match are refused", """
                        guard:
                          rate_limits:
                            - name: a
                              limits: [10/s]
                              hosts: ["example.com:8080"]
                            - name: b
                              limits: [10/s]
                              methods: ["GET /"]
                            - name: c
                              limits: [10/s]
                              paths: [login]
                        """,
                        "guard.rate_limits[0]: hosts: 'example.com:8080' can never match",
                        "guard.rate_limits[1]: methods: 'GET /' can never match",
                        "guard.rate_limits[2]: paths: 'login' (expected: a path prefix starting with /)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSections")
    void badSectionsAreLocated(Bad row) {
        List<ConfigProblem> ps = problems(row.guard());
        String t = text(ps);
        for (String line : row.expected()) {
            assertTrue(t.contains(line), row.name() + ": missing '" + line + "' in:\n" + t);
        }
        if (row.count() != null) {
            assertEquals(row.count(), ps.size(), row.name() + ": " + t);
        }
    }

    @Test
    void routeScopesAreCheckedAgainstTheRoutes() throws Exception {
        GuardConfig g = parse("""
                guard:
                  rate_limits:
                    - name: api
                      limits: [10/s]
                      routes: [api, apii]
                """).guard();
        assertEquals(List.of("guard.rate_limits[0].routes: 'apii' is not a route (policy 'api' can never match;"
                + " expected one of: api, static)"), g.unknownRoutes(List.of("static", "api")));
        assertTrue(g.unknownRoutes(List.of("api", "apii")).isEmpty());
    }

    @Test
    void limitShortFormsParse() {
        assertEquals(Limit.of(100, Duration.ofSeconds(1)), Limit.parse("100/s"));
        assertEquals(Limit.of(2000, Duration.ofMinutes(1)), Limit.parse("2000/min"));
        assertEquals(Limit.of(10, Duration.ofSeconds(5)), Limit.parse("10/5s"));
        assertEquals(new Limit(100, Duration.ofSeconds(1), 250), Limit.parse("100/s burst 250"));
        assertEquals(Limit.of(1000, Duration.ofHours(1)), Limit.parse("1_000/h"));
        assertThrows(IllegalArgumentException.class, () -> Limit.parse("0/s"));
        assertThrows(IllegalArgumentException.class, () -> Limit.parse("10/fortnight"));
    }
}
