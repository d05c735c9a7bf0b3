package dev.palisade.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.palisade.config.ClusterConfig;
import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.PalisadeConfig;

/** The {@code cluster:} section: defaults, every setting, and the located errors of bad ones. */
class ClusterConfigTest {

    private static final String BASE = """
            listeners: [{name: http, bind: 127.0.0.1:8080}]
            origins: {app: {servers: [10.0.0.5:80]}}
            """;

    private static PalisadeConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(BASE + yaml, "palisade.yaml", null, Path.of("/etc/palisade"));
    }

    private static List<ConfigProblem> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).problems();
    }

    @Test
    void absentMeansANodeOnItsOwn() throws Exception {
        assertNull(parse("").cluster());
        assertNull(parse("cluster: {redis: 'redis://r:6379', enabled: false}").cluster(), "enabled: false");
    }

    @Test
    void defaults() throws Exception {
        ClusterConfig c = parse("cluster: {redis: 'redis://redis.internal:6379'}").cluster();
        assertEquals("redis://redis.internal:6379", c.redis());
        assertNull(c.nodeId(), "the host name is taken at start");
        assertEquals("palisade:", c.keyPrefix());
        assertEquals(ClusterConfig.Sync.EXACT, c.sync());
        assertEquals(Duration.ofMillis(250), c.commandTimeout());
        assertEquals(Duration.ofSeconds(1), c.fallbackAfter());
        assertEquals(Duration.ofSeconds(2), c.connectTimeout());
    }

    @Test
    void everySetting() throws Exception {
        ClusterConfig c = parse("""
                cluster:
                  redis: "rediss://:s3cret@redis.internal:6380/2"
                  password_env: REDIS_PASSWORD
                  node_id: edge-1
                  key_prefix: "shop:"
                  sync: delayed
                  sync_tokens: 20
                  sync_period: 50ms
                  connect_timeout: 1s
                  command_timeout: 100ms
                  fallback_after: 3s
                """).cluster();
        assertEquals("edge-1", c.nodeId());
        assertEquals("shop:", c.keyPrefix());
        assertEquals(ClusterConfig.Sync.DELAYED, c.sync());
        assertEquals(20, c.syncTokens());
        assertEquals(Duration.ofMillis(50), c.syncPeriod());
        assertEquals(Duration.ofMillis(100), c.commandTimeout());
        assertEquals(Duration.ofSeconds(3), c.fallbackAfter());
        assertEquals("REDIS_PASSWORD", c.passwordEnv());
        assertEquals("rediss://:***@redis.internal:6380/2", c.redactedUri(), "the password never reaches a log");
    }

    @Test
    void sentinelUrisNeedTheMasterName() throws Exception {
        assertEquals("redis-sentinel://s1:26379,s2:26379#mymaster",
                parse("cluster: {redis: 'redis-sentinel://s1:26379,s2:26379#mymaster'}").cluster().redis());
        List<ConfigProblem> p = problems("cluster: {redis: 'redis-sentinel://s1:26379'}");
        assertTrue(p.get(0).toString().contains("master name"), p.toString());
    }

    @Test
    void clusterUrisNameSeedNodes() throws Exception {
        assertEquals("redis-cluster://:pw@r1:7000,r2:7001",
                parse("cluster: {redis: 'redis-cluster://:pw@r1:7000,r2:7001'}").cluster().redis());
        assertEquals(2, RedisLink.uris(parse("cluster: {redis: 'rediss-cluster://:pw@r1:7000,r2:7001'}").cluster(), null)
                .stream().filter(u -> u.isSsl() && new String(u.getPassword()).equals("pw")).count(),
                "every seed gets TLS and the password");
        for (String bad : new String[] {"redis-cluster://r1:7000,r2", "redis-cluster://r1:7000/1",
            "redis-cluster://r1:7000#x", "redis-cluster://r1:99999", "redis-cluster://r1:7000,,r2:7001"}) {
            List<ConfigProblem> p = problems("cluster: {redis: '" + bad + "'}");
            assertTrue(!p.isEmpty() && p.get(0).toString().contains("cluster.redis"), bad + ": " + p);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "redis: 'http://r:6379'                | cluster.redis | scheme 'http'",
        "redis: 'redis://:6379'                | cluster.redis | no host",
        "redis: 'redis://r:6379/x'             | cluster.redis | database number",
        "redis: 'redis://r:70000'              | cluster.redis | port 70000",
        "redis: 'redis://r 6379'               | cluster.redis | not a URI",
        "node_id: 'a b'                        | cluster       | node_id",
        "sync: sometimes                       | cluster.sync  | expected: exact or delayed",
        "command_timeout: 0s                   | cluster       | command_timeout",
        "fallback_after: soon                  | cluster.fallback_after | duration",
        "key_prefix: 'a prefix'                | cluster       | key_prefix",
        "password_env: '1X'                    | cluster       | password_env",
        "redis_uri: 'redis://r:6379'           | cluster.redis_uri | unknown key",
    })
    void badSettingsAreLocatedErrors(String setting, String key, String message) {
        String yaml = "cluster:\n  " + (setting.startsWith("redis:") ? "" : "redis: 'redis://r:6379'\n  ") + setting + "\n";
        List<ConfigProblem> p = problems(yaml);
        assertTrue(p.stream().anyMatch(x -> x.key().equals(key) && x.message().contains(message) && x.line() >= 3
                && x.file().equals("palisade.yaml")), p.toString());
    }

    @Test
    void theExampleFilesCommentedSectionIsValid() throws Exception {
        String example = java.nio.file.Files.readString(Path.of("palisade.example.yaml"));
        StringBuilder section = new StringBuilder();
        boolean in = false;
        for (String line : example.split("\n")) {
            in |= line.startsWith("#cluster:");
            if (in && line.startsWith("#")) {
                section.append(line.substring(1)).append('\n');
            } else if (in) {
                break;
            }
        }
        assertTrue(section.length() > 0, "the example documents the cluster section");
        ClusterConfig c = ConfigLoader.parse(example + "\n" + section, "palisade.example.yaml", null, Path.of("."))
                .cluster();
        assertEquals("redis://redis.internal:6379", c.redis());
        assertEquals("edge-1", c.nodeId());
        assertEquals(ClusterConfig.Sync.EXACT, c.sync());
    }

    @Test
    void aSectionWithoutRedisIsAnError() {
        List<ConfigProblem> p = problems("cluster: {node_id: a}");
        assertTrue(p.stream().anyMatch(x -> x.key().equals("cluster.redis") && x.message().contains("missing")), p.toString());
    }
}
