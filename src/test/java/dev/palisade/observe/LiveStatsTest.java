package dev.palisade.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.palisade.pipeline.Outcome;

/** The dashboard's figures from real metrics. */
class LiveStatsTest {

    @Test
    void quantileInterpolatesWithinTheBucket() {
        long[] b = new long[Metrics.LATENCY_BUCKETS.length + 1];
        b[4] = 100; // all in (5ms, 10ms]
        assertEquals(0.0075, LiveStats.quantile(0.5, b), 1e-9);
        assertEquals(0.00995, LiveStats.quantile(0.99, b), 1e-9);
        assertTrue(Double.isNaN(LiveStats.quantile(0.5, new long[b.length])));
        long[] inf = new long[b.length];
        inf[b.length - 1] = 1;
        assertEquals(60, LiveStats.quantile(0.99, inf), 1e-9);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonShapeAndFigures() {
        Metrics m = new Metrics();
        LiveStats stats = new LiveStats(m);
        Map<String, Object> empty = MiniJson.object(stats.json(List.of()));
        assertNull(((Map<String, Object>) empty.get("latency_ms")).get("p50"), "no requests: no percentile");

        MetricsLogStage stage = new MetricsLogStage(m);
        for (int i = 0; i < 10; i++) {
            var ex = Exchanges.of("192.0.2.1", "http", "GET", "/", Map.of());
            stage.onComplete(ex, new Outcome(200, 0, 10, 7_000_000, "10.0.0.5:80", "", ""));
        }
        for (int i = 0; i < 4; i++) {
            stage.onComplete(Exchanges.refusedByStage("198.51.100.7", "/<script>\"\n", "RuleStage", Map.of("Host", "a")),
                    new Outcome(403, 0, 0, 1000, "", "941100", "xss"));
        }
        stats.sample();
        Map<String, Object> s = MiniJson.object(stats.json(List.of(new LiveStats.OriginState("app", "10.0.0.5:80", "up", 3, 1, 12.5))));
        assertEquals(14.0, s.get("requests_total"));
        assertEquals(4.0, s.get("blocked_total"));
        assertTrue(s.get("requests_per_s") instanceof Double);
        Map<String, Object> lat = (Map<String, Object>) s.get("latency_ms");
        double p50 = (Double) lat.get("p50");
        assertTrue(p50 > 5 && p50 <= 10, "p50 in the 5..10 ms bucket: " + p50);
        List<Map<String, Object>> rules = (List<Map<String, Object>>) s.get("blocked_by_rule");
        assertEquals("941100", rules.get(0).get("rule"));
        assertEquals(4.0, rules.get(0).get("total"));
        List<Map<String, Object>> top = (List<Map<String, Object>>) s.get("top_blocked");
        assertEquals(Map.of("address", "198.51.100.7", "count", 4.0), top.get(0));
        List<Map<String, Object>> recent = (List<Map<String, Object>>) s.get("recent_blocks");
        assertEquals(4, recent.size());
        assertEquals("/<script>\"\n", recent.get(0).get("path"), "JSON carries the raw value; the page escapes it");
        List<Map<String, Object>> origins = (List<Map<String, Object>>) s.get("origins");
        assertEquals(Map.of("group", "app", "origin", "10.0.0.5:80", "state", "up", "in_flight", 3.0, "ejections", 1.0,
                "latency_ms", 12.5), origins.get(0));
    }
}
