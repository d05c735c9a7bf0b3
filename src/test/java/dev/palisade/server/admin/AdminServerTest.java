package dev.palisade.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.AdminConfig;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.HostPort;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.observe.MiniJson;
import dev.palisade.server.PalisadeServer;
import dev.palisade.server.StartException;
import dev.palisade.testing.Closing;
import dev.palisade.testing.RawClient;
import dev.palisade.testing.TestOrigin;

/** Full stack: a real Palisade and its admin listener on port 0, a real origin, real HTTP clients. */
@Timeout(60)
class AdminServerTest {

    static final String TOKEN = "test-token-0123456789abcdef";

    private TestOrigin origin;
    private PalisadeServer proxy;

    @RegisterExtension
    final Closing closing = new Closing();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();


    private int start() throws Exception {
        origin = closing.add(new TestOrigin("a"));
        proxy = closing.add(PalisadeServer.start(PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(origin.hostPort()))
                .withAdmin(new AdminConfig(true, new HostPort("127.0.0.1", 0), TOKEN, null, List.of()))));
        return proxy.admin().port();
    }

    /** One HTTP/1.1 call to 127.0.0.1:port, with the bearer token when one is given; for the admin tests. */
    static HttpResponse<String> call(int port, String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double series(String metrics, String name, String... labels) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void metricsCountTheTrafficTheTestMade() throws Exception {
        int admin = start();
        int port = proxy.port("http");
        for (int i = 0; i < 5; i++) {
            assertEquals(200, call(port, "GET", "/hello", null).statusCode());
        }
        assertEquals(502, call(port, "GET", "/status/502", null).statusCode());
        HttpResponse<String> m = call(admin, "GET", "/metrics", null);
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String originLabel = "origin=\"" + origin.hostPort() + "\"";
        // the log stage runs once the response is written: wait for the last request to be counted
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String text = m.body();
        while (series(text, "palisade_requests_total", originLabel, "status=\"2xx\"") < 5 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            text = call(admin, "GET", "/metrics", null).body();
        }
        assertEquals(5, series(text, "palisade_requests_total", "listener=\"http\"", "route=\"default\"", originLabel,
                "status=\"2xx\""), text);
        assertTrue(text.contains("palisade_request_duration_seconds_bucket{listener=\"http\",route=\"default\""), text);
        assertTrue(text.contains("jvm_memory_used_bytes"));
    }

    @Test
    void healthReadinessAndErrors() throws Exception {
        int admin = start();
        HttpResponse<String> h = call(admin, "GET", "/healthz", null);
        assertEquals(200, h.statusCode());
        assertEquals("ok\n", h.body());
        HttpResponse<String> r = call(admin, "GET", "/readyz", null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(Map.of("ready", true), MiniJson.object(r.body()));
        assertEquals(404, call(admin, "GET", "/nope", null).statusCode());
        HttpResponse<String> wrongMethod = call(admin, "GET", "/admin/reload", TOKEN);
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(""));
        assertEquals(405, call(admin, "POST", "/metrics", null).statusCode());
        assertEquals(405, call(admin, "PUT", "/admin/bans/192.0.2.1", TOKEN).statusCode());
        assertEquals(405, call(admin, "ET", "/metrics", null).statusCode(), "a method is matched whole");
    }

    @Test
    void readinessFollowsOriginHealth(@TempDir Path dir) throws Exception {
        origin = closing.add(new TestOrigin("a"));
        // the group "sick" health-checks a path that answers 503: it goes down after one check
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(file, "listeners:\n  - name: http\n    bind: 127.0.0.1:0\norigins:\n  app:\n    servers: ["
                + origin.hostPort() + "]\n  sick:\n    servers: [" + origin.hostPort() + "]\n    health_check:\n"
                + "      path: /status/503\n      interval: 100ms\n      fall: 1\n"
                + "routes:\n  - name: all\n    path_prefix: /\n    group: app\n"
                + "admin:\n  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n");
        proxy = closing.add(PalisadeServer.start(ConfigLoader.load(file)));
        int admin = proxy.admin().port();
        HttpResponse<String> r = null;
        for (int i = 0; i < 200; i++) {
            r = call(admin, "GET", "/readyz", null);
            if (r.statusCode() == 503) {
                break;
            }
            Thread.sleep(25);
        }
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.body().contains("origin group 'sick' has no healthy server"), r.body());
        assertTrue(!r.body().contains("'app'"), r.body());
        String stats = call(admin, "GET", "/api/stats", null).body();
        assertTrue(stats.contains("\"group\":\"sick\",\"origin\":\"" + origin.hostPort() + "\",\"state\":\"down\""), stats);
    }

    @Test
    void anEjectionByOutlierDetectionReachesTheMetricsAndTheStats(@TempDir Path dir) throws Exception {
        origin = closing.add(new TestOrigin("a"));
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(file, "listeners:\n  - name: http\n    bind: 127.0.0.1:0\norigins:\n  ejecting:\n    servers: ["
                + origin.hostPort() + "]\n    outlier:\n      consecutive_failures: 1\n      base_ejection: 5m\n"
                + "admin:\n  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n");
        proxy = closing.add(PalisadeServer.start(ConfigLoader.load(file)));
        int admin = proxy.admin().port();
        String label = "group=\"ejecting\"";
        double before = series(call(admin, "GET", "/metrics", null).body(), "palisade_origin_ejections_total", label);
        call(proxy.port("http"), "GET", "/status/503", null);
        String text = "";
        for (int i = 0; i < 100; i++) {
            text = call(admin, "GET", "/metrics", null).body();
            if (series(text, "palisade_origin_ejections_total", label) > before) {
                break;
            }
            Thread.sleep(50);
        }
        assertEquals(before + 1, series(text, "palisade_origin_ejections_total", label), text);
        assertEquals(0, series(text, "palisade_origin_up", label), text);
        String stats = call(admin, "GET", "/api/stats", null).body();
        assertTrue(stats.contains("\"group\":\"ejecting\",\"origin\":\"" + origin.hostPort()
                + "\",\"state\":\"ejected\",\"in_flight\":0,\"ejections\":1,"), stats);
    }

    @Test
    void reloadNeedsTheToken() throws Exception {
        int admin = start();
        HttpResponse<String> none = call(admin, "POST", "/admin/reload", null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, call(admin, "POST", "/admin/reload", "wrong-token-0123456789").statusCode());
        double failuresBefore = series(call(admin, "GET", "/metrics", null).body(), "palisade_admin_auth_failures_total");
        HttpResponse<String> ok = call(admin, "POST", "/admin/reload", TOKEN);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(Map.of("reloaded", true), MiniJson.object(ok.body()));
        String text = call(admin, "GET", "/metrics", null).body();
        assertTrue(series(text, "palisade_reloads_total", "result=\"ok\"") >= 1, text);
        assertEquals(failuresBefore, series(text, "palisade_admin_auth_failures_total"), "the good call is no failure");
        assertEquals(401, call(admin, "GET", "/admin/rules", null).statusCode());
        assertEquals(401, call(admin, "DELETE", "/admin/bans/192.0.2.1", null).statusCode());
    }

    @Test
    void reloadFromTheFileRefusesABrokenOne(@TempDir Path dir) throws Exception {
        origin = closing.add(new TestOrigin("a"));
        Path file = dir.resolve("palisade.yaml");
        String good = "listeners:\n  - name: http\n    bind: 127.0.0.1:0\norigins:\n  app:\n    servers: [" + origin.hostPort()
                + "]\nadmin:\n  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n";
        Files.writeString(file, good);
        proxy = closing.add(PalisadeServer.start(ConfigLoader.load(file)));
        int admin = proxy.admin().port();
        Files.writeString(file, good + "timeouts:\n  connect: soon\n");
        HttpResponse<String> bad = call(admin, "POST", "/admin/reload", TOKEN);
        assertEquals(422, bad.statusCode());
        Map<String, Object> j = MiniJson.object(bad.body());
        assertEquals(false, j.get("reloaded"));
        assertTrue(((String) j.get("error")).contains("timeouts.connect"), bad.body());
        Files.writeString(file, good);
        assertEquals(200, call(admin, "POST", "/admin/reload", TOKEN).statusCode());
        assertEquals(200, call(proxy.port("http"), "GET", "/still-serving", null).statusCode());
    }

    @Test
    void bansAndRulesApi() throws Exception {
        int admin = start();
        HttpResponse<String> bans = call(admin, "GET", "/admin/bans", TOKEN);
        assertEquals(200, bans.statusCode());
        assertEquals(Map.of("total", 0.0, "bans", List.of()), MiniJson.object(bans.body()));
        HttpResponse<String> del = call(admin, "DELETE", "/admin/bans/192.0.2.1", TOKEN);
        assertEquals(404, del.statusCode(), "no such ban");
        assertEquals(false, MiniJson.object(del.body()).get("removed"));
        assertEquals(400, call(admin, "DELETE", "/admin/bans/example.com", TOKEN).statusCode(), "names are not looked up");
        assertEquals(404, call(admin, "DELETE", "/admin/bans/%5B2001:db8::1%5D", TOKEN).statusCode());
        assertEquals(401, call(admin, "DELETE", "/admin/bans", null).statusCode(), "clearing needs the token");
        assertEquals(405, call(admin, "POST", "/admin/bans", TOKEN).statusCode());
        HttpResponse<String> cleared = call(admin, "DELETE", "/admin/bans", TOKEN);
        assertEquals(200, cleared.statusCode());
        assertEquals(0.0, MiniJson.object(cleared.body()).get("cleared"));
        HttpResponse<String> rules = call(admin, "GET", "/admin/rules", TOKEN);
        assertEquals(200, rules.statusCode());
        assertTrue(MiniJson.object(rules.body()).get("rules") instanceof List);
    }

    @Test
    @SuppressWarnings("unchecked")
    void statsJsonShape() throws Exception {
        int admin = start();
        call(proxy.port("http"), "GET", "/x", null);
        HttpResponse<String> s = call(admin, "GET", "/api/stats", null);
        assertEquals(200, s.statusCode());
        assertTrue(s.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("no-store", s.headers().firstValue("Cache-Control").orElse(""));
        Map<String, Object> j = MiniJson.object(s.body());
        for (String k : List.of("time", "uptime_s", "requests_total", "requests_per_s", "blocked_total", "blocked_per_s",
                "latency_ms", "blocked_by_rule", "top_blocked", "recent_blocks", "origins")) {
            assertTrue(j.containsKey(k), k + " in " + s.body());
        }
        Map<String, Object> lat = (Map<String, Object>) j.get("latency_ms");
        assertTrue(lat.containsKey("p50") && lat.containsKey("p99"));
        List<Map<String, Object>> origins = (List<Map<String, Object>>) j.get("origins");
        Map<String, Object> o = origins.get(0);
        assertEquals("default", o.get("group"));
        assertEquals(origin.hostPort().toString(), o.get("origin"));
        assertEquals("up", o.get("state"));
        assertEquals(0.0, o.get("in_flight"));
        assertEquals(0.0, o.get("ejections"));
        assertTrue((Double) o.get("latency_ms") > 0, "the request's latency is in the estimate: " + o);
    }

    @Test
    void dashboardIsServedWithAStrictPolicy() throws Exception {
        int admin = start();
        HttpResponse<String> page = call(admin, "GET", "/", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"/dashboard.js\"></script>"));
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"), csp);
        assertTrue(!page.body().contains("http://") && !page.body().contains("https://"), "no external resources");
        HttpResponse<String> js = call(admin, "GET", "/dashboard.js", null);
        assertEquals(200, js.statusCode());
        assertTrue(!js.body().contains("innerHTML"), "values are written as text only");
        assertEquals(200, call(admin, "GET", "/dashboard.css", null).statusCode());
    }

    @Test
    void foreignHostNamesAndLargeBodiesAreRefused() throws Exception {
        int admin = start();
        try (RawClient c = new RawClient(admin)) {
            String resp = c.send("GET /api/stats HTTP/1.1\r\nHost: rebind.attacker.example:" + admin + "\r\n\r\n").readResponse();
            assertTrue(resp.startsWith("HTTP/1.1 403"), resp);
        }
        try (RawClient c = new RawClient(admin)) {
            String resp = c.send("GET /healthz HTTP/1.1\r\nHost: localhost:" + admin + "\r\n\r\n").readResponse();
            assertTrue(resp.startsWith("HTTP/1.1 200"), resp);
        }
        try (RawClient c = new RawClient(admin)) {
            String resp = c.send("POST /admin/reload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Length: 100000\r\n\r\n").readResponse();
            assertTrue(resp.startsWith("HTTP/1.1 413"), resp);
        }
    }

    @Test
    void adminPortInUseFailsTheStart() throws Exception {
        int admin = start();
        TestOrigin other = new TestOrigin("b");
        try {
            StartException e = assertThrows(StartException.class, () -> PalisadeServer.start(
                    PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(other.hostPort()))
                            .withAdmin(new AdminConfig(true, new HostPort("127.0.0.1", admin), TOKEN, null, List.of()))));
            assertTrue(e.getMessage().contains("admin: cannot bind 127.0.0.1:" + admin), e.getMessage());
        } finally {
            other.close();
        }
    }

    @Test
    void blocksByTheRuleEngineAreCountedPerRuleAndLogged() throws Exception {
        ch.qos.logback.classic.Logger security = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("palisade.security");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
                new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        ch.qos.logback.classic.Level level = security.getLevel();
        security.addAppender(lines);
        security.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            int admin = start();
            int port = proxy.port("http");
            double before = series(call(admin, "GET", "/metrics", null).body(), "palisade_blocked_total", "rule=\"7001\"");
            for (int i = 0; i < 3; i++) {
                assertEquals(404, call(port, "GET", "/.git/config", null).statusCode(), "rule 7001 answers 404");
            }
            assertEquals(200, call(port, "GET", "/fine", null).statusCode());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String text = call(admin, "GET", "/metrics", null).body();
            while (series(text, "palisade_blocked_total", "rule=\"7001\"") < before + 3 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                text = call(admin, "GET", "/metrics", null).body();
            }
            assertEquals(before + 3, series(text, "palisade_blocked_total", "rule=\"7001\""), text);
            String rules = call(admin, "GET", "/admin/rules", TOKEN).body();
            assertTrue(rules.contains("{\"rule\":\"7001\",\"blocked\":"), rules);
            List<String> blocks = lines.list.stream().map(e -> e.getFormattedMessage())
                    .filter(l -> l.contains("\"rule\":\"7001\"")).toList();
            assertEquals(3, blocks.size(), "one security event per block: " + lines.list);
            Map<String, Object> j = MiniJson.object(blocks.get(0));
            assertEquals("block", j.get("event"));
            assertEquals("/.git/config", j.get("path"));
            assertEquals(404.0, j.get("status"));
        } finally {
            security.detachAppender(lines);
            security.setLevel(level);
        }
    }

    @Test
    void guardBansAreListedAndLifted(@TempDir Path dir) throws Exception {
        origin = closing.add(new TestOrigin("a"));
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(file, "listeners:\n  - name: http\n    bind: 127.0.0.1:0\norigins:\n  app:\n    servers: ["
                + origin.hostPort() + "]\nguard:\n  bans:\n    after_violations: 2\n    duration: 1h\n  rate_limits:\n"
                + "    - name: tight\n      key: [address]\n      limits: [1/min]\n      ban: true\n"
                + "admin:\n  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n");
        proxy = closing.add(PalisadeServer.start(ConfigLoader.load(file)));
        int admin = proxy.admin().port();
        int port = proxy.port("http");
        double bansBefore = series(call(admin, "GET", "/metrics", null).body(), "palisade_bans_total",
                "reason=\"rate_limit\"");
        int limited = 0;
        for (int i = 0; i < 6; i++) {
            try (RawClient c = new RawClient(port)) {
                String resp = c.send("GET /r" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClose();
                limited += resp.startsWith("HTTP/1.1 429") ? 1 : 0;
            } catch (java.io.IOException refusedAtTheGate) {
                // once banned, the gate closes new connections before any answer
            }
        }
        assertTrue(limited >= 1, "the policy refused some requests");
        Map<String, Object> bans = MiniJson.object(call(admin, "GET", "/admin/bans", TOKEN).body());
        assertEquals(1.0, bans.get("total"), bans.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> ban = ((List<Map<String, Object>>) bans.get("bans")).get(0);
        assertEquals("127.0.0.1", ban.get("address"));
        String text = call(admin, "GET", "/metrics", null).body();
        assertTrue(text.contains("palisade_bans_active 1"), text);
        assertTrue(series(text, "palisade_rate_limited_total", "policy=\"tight\"") >= 1, text);
        assertEquals(bansBefore + 1, series(text, "palisade_bans_total", "reason=\"rate_limit\""), "bans by cause: " + text);
        HttpResponse<String> lifted = call(admin, "DELETE", "/admin/bans/127.0.0.1", TOKEN);
        assertEquals(200, lifted.statusCode(), lifted.body());
        assertEquals(true, MiniJson.object(lifted.body()).get("removed"));
        assertEquals(0.0, MiniJson.object(call(admin, "GET", "/admin/bans", TOKEN).body()).get("total"));
    }
}
