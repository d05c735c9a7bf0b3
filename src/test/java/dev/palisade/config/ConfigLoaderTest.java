package dev.palisade.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    private static final String BASE = """
            listeners:
              - name: web
                bind: 127.0.0.1:8080
            origins:
              app:
                servers: [10.0.0.5:80, "[::1]:81"]
            """;

    private static PalisadeConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "palisade.yaml", null, Path.of("/etc/palisade"));
    }

    private static List<ConfigProblem> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).problems();
    }

    @Test
    void readsAFullConfig() throws Exception {
        PalisadeConfig c = parse(BASE + """
                routes:
                  - name: api
                    host: "*.example.com"
                    path_prefix: /v1/
                    group: app
                timeouts:
                  client_header: 5s
                  connect: 250ms
                limits:
                  max_header_size: 32k
                  max_body: 10m
                forwarding:
                  trusted_proxies: [10.0.0.0/8, "2001:db8::/32"]
                rules:
                  dir: myrules
                  mode: detect
                """);
        assertEquals(8080, c.listeners().get(0).bind().port());
        assertEquals(List.of(new HostPort("10.0.0.5", 80), new HostPort("::1", 81)), c.origins().get("app").servers());
        assertEquals(Duration.ofSeconds(5), c.timeouts().clientHeader());
        assertEquals(Duration.ofMillis(250), c.timeouts().connect());
        assertEquals(Duration.ofSeconds(60), c.timeouts().responseHeader(), "unset keys keep their defaults");
        assertEquals(32 * 1024, c.limits().maxHeaderSize());
        assertEquals(10L * 1024 * 1024, c.limits().maxBody());
        assertTrue(c.routes().get(0).matches("a.example.com", "/v1/x"));
        assertTrue(!c.routes().get(0).matches("example.com", "/v1/x"));
        assertTrue(c.forwarding().trusted(java.net.InetAddress.getByName("10.1.2.3")));
        assertEquals(Path.of("/etc/palisade/myrules"), c.rules().dir());
        assertEquals("detect", c.rules().mode());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown top key|bogus: 1|7|bogus|unknown key",
        "unknown nested key|timeouts:\\n  conect: 5s|8|timeouts.conect|unknown key",
        "bad duration|timeouts:\\n  connect: 5 seconds|8|timeouts.connect|duration",
        "bad size|limits:\\n  max_body: lots|8|limits.max_body|size",
        "bad route group|routes:\\n  - group: nope|8|routes[0]|not an origin group",
        "bad cidr|forwarding:\\n  trusted_proxies: [10.0.0.0/99]|8|forwarding.trusted_proxies[0]|prefix",
        "bad mode|rules:\\n  mode: maybe|8|rules|mode",
    })
    void eachProblemNamesLineAndKey(String name, String extra, int line, String key, String words) {
        List<ConfigProblem> ps = problems(BASE + extra.replace("\\n", "\n") + "\n");
        assertEquals(1, ps.size(), ps.toString());
        ConfigProblem p = ps.get(0);
        assertEquals("palisade.yaml", p.file());
        assertEquals(line, p.line(), p.toString());
        assertEquals(key, p.key(), p.toString());
        assertTrue(p.message().contains(words), p.toString());
    }

    @Test
    void badAddressesAreLocated() {
        List<ConfigProblem> ps = problems("""
                listeners:
                  - bind: 127.0.0.1
                  - bind: host:port
                origins:
                  app:
                    servers: [10.0.0.5:99999]
                """);
        assertEquals(3, ps.size(), ps.toString());
        assertEquals(2, ps.get(0).line());
        assertTrue(ps.get(0).message().contains("host:port"));
        assertTrue(ps.get(1).message().contains("non-numeric port"));
        assertEquals(6, ps.get(2).line());
        assertTrue(ps.get(2).message().contains("0..65535"));
    }

    @Test
    void allProblemsAreReportedTogether() {
        List<ConfigProblem> ps = problems("listeners: []\nfoo: 1\nbar: 2\n");
        assertTrue(ps.size() >= 3, ps.toString());
    }

    @Test
    void yamlSyntaxErrorHasALine() {
        List<ConfigProblem> ps = problems("listeners:\n  - bind: [oops\norigins: {}\n");
        assertTrue(ps.get(0).line() > 0);
        assertTrue(ps.get(0).message().startsWith("YAML syntax"));
    }

    @Test
    void missingFileIsOneClearProblem() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Path.of("/nonexistent/palisade.yaml")));
        assertEquals("/nonexistent/palisade.yaml: file not found", e.problems().get(0).toString());
    }

    @Test
    void durationsAndAddresses() {
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-5s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("5"));
        assertEquals(new HostPort("::1", 8080), HostPort.parse("[::1]:8080"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("::1:8080"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("a b:80"));
        assertTrue(Cidr.parse("10.0.0.0/8").contains(Cidr.literal("10.255.0.1")));
        assertTrue(!Cidr.parse("10.0.0.0/8").contains(Cidr.literal("11.0.0.1")));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com"));
    }
}
