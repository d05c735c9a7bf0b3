package dev.palisade.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Outcome;

/** What the logging phase records, read back from the Prometheus text the registry writes. */
class MetricsTest {

    private final Metrics metrics = new Metrics();
    private final MetricsLogStage stage = new MetricsLogStage(metrics);

    private String scrape() {
        return new String(metrics.scrape(), StandardCharsets.UTF_8);
    }

    /** The value of the one series of {@code name} whose labels include every {@code label="value"} given. */
    static double value(String text, String name, String... labels) {
        double found = Double.NaN;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (all) {
                Matcher m = Pattern.compile(" ([-+0-9.eE]+|NaN)$").matcher(line);
                assertTrue(m.find(), line);
                assertTrue(Double.isNaN(found), "more than one series matches " + String.join(",", labels) + " in\n" + text);
                found = Double.parseDouble(m.group(1));
            }
        }
        return found;
    }

    private static Exchange forwarded(String route) {
        Exchange ex = Exchanges.of("192.0.2.1", "http", "GET", "/ok", Map.of("Host", "example.com"));
        ex.route(route);
        return ex;
    }

    @Test
    void countsRequestsByListenerRouteOriginAndStatusClass() {
        for (int i = 0; i < 3; i++) {
            stage.onComplete(forwarded("api"), new Outcome(200, 10, 100, 2_000_000, "10.0.0.5:8080", "", ""));
        }
        stage.onComplete(forwarded("api"), new Outcome(503, 0, 0, 1_000_000, "10.0.0.5:8080", "ORIGIN_DOWN", "refused"));
        stage.onComplete(forwarded("api"), new Outcome(0, 0, 0, 1_000_000, "", "client", "client closed"));
        String t = scrape();
        assertEquals(3, value(t, "palisade_requests_total", "listener=\"http\"", "route=\"api\"",
                "origin=\"10.0.0.5:8080\"", "status=\"2xx\""));
        assertEquals(1, value(t, "palisade_requests_total", "origin=\"10.0.0.5:8080\"", "status=\"5xx\""));
        assertEquals(1, value(t, "palisade_requests_total", "origin=\"\"", "status=\"none\""));
        assertEquals(5, value(t, "palisade_request_duration_seconds_count", "listener=\"http\"", "route=\"api\""));
        assertEquals(2, value(t, "palisade_request_duration_seconds_bucket", "route=\"api\"", "le=\"0.001\""));
        assertEquals(5, value(t, "palisade_request_duration_seconds_bucket", "route=\"api\"", "le=\"0.0025\""));
        assertEquals(30, value(t, "palisade_request_body_bytes_total", "listener=\"http\""));
        assertEquals(300, value(t, "palisade_response_body_bytes_total", "listener=\"http\""));
        assertEquals(1, value(t, "palisade_refused_total", "cause=\"ORIGIN_DOWN\""));
        assertTrue(Double.isNaN(value(t, "palisade_refused_total", "cause=\"client\"")), "a client hang-up is no refusal");
        assertEquals(5, metrics.requestsTotal());
    }

    @Test
    void blocksCountPerRuleAndRateLimitsPerPolicy() {
        for (int i = 0; i < 2; i++) {
            stage.onComplete(Exchanges.refusedByStage("203.0.113.9", "/?q=1' or 1=1", "RuleStage", Map.of()),
                    new Outcome(403, 0, 0, 1000, "", "942100", "SQL injection"));
        }
        stage.onComplete(Exchanges.refusedByStage("203.0.113.9", "/login", "RateLimitStage", Map.of()),
                new Outcome(429, 0, 0, 1000, "", "login-burst", "over 5/min"));
        stage.onComplete(Exchanges.refusedByStage("203.0.113.10", "/x", "RuleStage", Map.of()),
                new Outcome(500, 0, 0, 1000, "", "RuleStage", "stage failed"));
        Exchange detected = forwarded("default");
        SecurityLog.note(detected, SecurityEvent.detect("913100", "scanner", "header.user-agent", "nikto"));
        stage.onComplete(detected, new Outcome(200, 0, 0, 1000, "10.0.0.5:8080", "", ""));

        String t = scrape();
        assertEquals(2, value(t, "palisade_blocked_total", "rule=\"942100\""));
        assertEquals(1, value(t, "palisade_rate_limited_total", "policy=\"login-burst\""));
        assertEquals(1, value(t, "palisade_refused_total", "cause=\"RuleStage\""), "a failing stage is no block");
        assertEquals(1, value(t, "palisade_detections_total", "rule=\"913100\""));
        assertEquals(2, metrics.ruleHits().get("942100")[0]);
        assertEquals(1, metrics.ruleHits().get("913100")[1]);
        assertEquals("203.0.113.9", metrics.topBlocked().top(1).get(0).address());
        assertEquals(3, metrics.topBlocked().top(1).get(0).count());
        assertEquals("/login", metrics.recentBlocks().list().get(0).path(), "newest first");
    }

    @Test
    void hooksForOtherPackagesShowUp() {
        metrics.gateRejected("per_address");
        metrics.gateRejected("per_address");
        metrics.banned("flood");
        metrics.activeBans(() -> 7);
        metrics.tlsHandshake("https", "TLSv1.3");
        metrics.tlsHandshakeFailed("https", "sni_refused");
        metrics.originHealth("app", "10.0.0.6:8080", false);
        metrics.originEjections("app", "10.0.0.6:8080", 1);
        metrics.originRetry("app");
        metrics.originLoad("app", "10.0.0.5:8080", 3, 2);
        metrics.reload(true);
        metrics.reload(false);
        metrics.adminAuthFailed();
        String t = scrape();
        assertEquals(2, value(t, "palisade_gate_rejections_total", "reason=\"per_address\""));
        assertEquals(1, value(t, "palisade_bans_total", "reason=\"flood\""));
        assertEquals(7, value(t, "palisade_bans_active"));
        assertEquals(1, value(t, "palisade_tls_handshakes_total", "listener=\"https\"", "version=\"TLSv1.3\""));
        assertEquals(1, value(t, "palisade_tls_handshake_failures_total", "reason=\"sni_refused\""));
        assertEquals(0, value(t, "palisade_origin_up", "origin=\"10.0.0.6:8080\""));
        assertEquals(1, value(t, "palisade_origin_ejections_total", "group=\"app\""));
        assertEquals(1, value(t, "palisade_origin_retries_total", "group=\"app\""));
        assertEquals(3, value(t, "palisade_origin_in_flight", "origin=\"10.0.0.5:8080\""));
        assertEquals(2, value(t, "palisade_origin_connections_in_use", "origin=\"10.0.0.5:8080\""));
        assertEquals(1, value(t, "palisade_reloads_total", "result=\"ok\""));
        assertEquals(1, value(t, "palisade_reloads_total", "result=\"failed\""));
        assertEquals(1, value(t, "palisade_admin_auth_failures_total"));
        assertEquals(Boolean.FALSE, metrics.originUp("app", "10.0.0.6:8080"));
    }

    @Test
    void labelValuesAreBounded() {
        for (int i = 0; i < 5000; i++) {
            stage.onComplete(Exchanges.refusedByStage("198.51.100.1", "/", "RuleStage", Map.of()),
                    new Outcome(403, 0, 0, 1000, "", "rule-" + i, ""));
        }
        String t = scrape();
        long series = t.lines().filter(l -> l.startsWith("palisade_blocked_total{")).count();
        assertTrue(series <= 2049, "series: " + series);
        assertTrue(value(t, "palisade_blocked_total", "rule=\"other\"") > 0);
    }

    @Test
    void globalRegistryHasJvmMetrics() {
        String t = new String(Metrics.global().scrape(), StandardCharsets.UTF_8);
        assertTrue(t.contains("jvm_memory_used_bytes"), "JVM metrics");
        assertTrue(t.contains("# TYPE palisade_bans_active gauge"), t);
    }
}
