package dev.palisade.observe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;

/**
 * The dashboard's figures, computed from {@link Metrics} once a second: requests and blocks per second
 * over the last second, blocks per second by rule, p50/p99 latency over the last ten seconds (from the
 * latency histogram's buckets, interpolated like Prometheus' {@code histogram_quantile}), the top blocked
 * addresses and the last blocked requests. Not thread-safe: {@link #sample} and {@link #json} run on the
 * admin listener's single event loop.
 */
public final class LiveStats {

    /**
     * One origin server as the dashboard shows it.
     *
     * @param state      up | slow_start | ejected | down
     * @param inFlight   requests sent to it and not yet answered
     * @param ejections  how often outlier detection took it out of rotation
     * @param latencyMs  the balancer's peak-EWMA latency estimate, in milliseconds
     */
    public record OriginState(String group, String origin, String state, int inFlight, int ejections, double latencyMs) {}

    static final int WINDOW = 10;

    private record Sample(long nanos, long requests, Map<String, Long> blocked, long[] buckets) {}

    private final Metrics metrics;
    private final Sample[] ring = new Sample[WINDOW + 1];
    private int count;

    public LiveStats(Metrics metrics) {
        this.metrics = metrics;
    }

    /** Takes a sample; call once a second. */
    public void sample() {
        Map<String, Long> blocked = new HashMap<>();
        addAll(metrics.blocked.collect(), "rule", blocked);
        addAll(metrics.rateLimited.collect(), "policy", blocked);
        ring[count % ring.length] = new Sample(System.nanoTime(), metrics.requestsTotal(), blocked, metrics.latencyBuckets());
        count++;
    }

    private static void addAll(CounterSnapshot s, String label, Map<String, Long> into) {
        for (CounterSnapshot.CounterDataPointSnapshot p : s.getDataPoints()) {
            into.merge(p.getLabels().get(label), (long) p.getValue(), Long::sum);
        }
    }

    private Sample back(int n) {
        return n < count && n <= WINDOW ? ring[(count - 1 - n) % ring.length] : null;
    }

    /** The /api/stats document. */
    public String json(List<OriginState> origins) {
        if (count == 0) {
            sample();
        }
        Sample now = back(0);
        Sample prev = back(1);
        Sample old = back(Math.min(WINDOW, count - 1));
        double secs = prev == null ? 0 : (now.nanos - prev.nanos) / 1e9;

        long blockedTotal = 0;
        long blockedPrev = 0;
        List<String[]> rules = new ArrayList<>();
        for (Map.Entry<String, Long> e : now.blocked.entrySet()) {
            long before = prev == null ? e.getValue() : prev.blocked.getOrDefault(e.getKey(), 0L);
            blockedTotal += e.getValue();
            blockedPrev += before;
            rules.add(new String[] {e.getKey(), Long.toString(e.getValue()), rate(e.getValue() - before, secs)});
        }
        rules.sort((a, b) -> {
            int c = Double.compare(Double.parseDouble(b[2]), Double.parseDouble(a[2]));
            return c != 0 ? c : Long.compare(Long.parseLong(b[1]), Long.parseLong(a[1]));
        });

        StringBuilder byRule = new StringBuilder("[");
        for (int i = 0; i < rules.size() && i < 20; i++) {
            String[] r = rules.get(i);
            byRule.append(i == 0 ? "" : ",").append(new JsonLine().field("rule", r[0]).field("total", Long.parseLong(r[1]))
                    .raw("per_s", r[2]));
        }
        byRule.append(']');

        StringBuilder top = new StringBuilder("[");
        List<TopAddresses.Entry> topList = metrics.topBlocked().top(10);
        for (int i = 0; i < topList.size(); i++) {
            top.append(i == 0 ? "" : ",").append(new JsonLine().field("address", topList.get(i).address())
                    .field("count", topList.get(i).count()));
        }
        top.append(']');

        StringBuilder recent = new StringBuilder("[");
        List<RecentEvents.Block> blocks = metrics.recentBlocks().list();
        for (int i = 0; i < blocks.size(); i++) {
            RecentEvents.Block b = blocks.get(i);
            recent.append(i == 0 ? "" : ",").append(new JsonLine()
                    .field("time", Instant.ofEpochMilli(b.timeMillis()).toString()).field("client", b.client())
                    .field("rule", b.rule()).field("status", b.status()).field("method", b.method())
                    .field("host", b.host()).field("path", b.path()));
        }
        recent.append(']');

        StringBuilder orig = new StringBuilder("[");
        for (int i = 0; i < origins.size(); i++) {
            OriginState s = origins.get(i);
            orig.append(i == 0 ? "" : ",").append(new JsonLine().field("group", s.group()).field("origin", s.origin())
                    .field("state", s.state()).field("in_flight", s.inFlight()).field("ejections", s.ejections())
                    .raw("latency_ms", String.format(Locale.ROOT, "%.2f", s.latencyMs())));
        }
        orig.append(']');

        long[] window = new long[now.buckets.length];
        for (int i = 0; i < window.length; i++) {
            window[i] = now.buckets[i] - (old == null || old == now ? 0 : old.buckets[i]);
        }
        JsonLine latency = new JsonLine()
                .raw("p50", ms(quantile(0.5, window)))
                .raw("p99", ms(quantile(0.99, window)))
                .field("window_s", old == null || old == now ? 0 : Math.round((now.nanos - old.nanos) / 1e9));

        return new JsonLine()
                .now("time")
                .field("uptime_s", (System.currentTimeMillis() - metrics.startMillis()) / 1000)
                .field("requests_total", now.requests)
                .raw("requests_per_s", rate(prev == null ? 0 : now.requests - prev.requests, secs))
                .field("blocked_total", blockedTotal)
                .raw("blocked_per_s", rate(blockedTotal - blockedPrev, secs))
                .raw("latency_ms", latency.toString())
                .raw("blocked_by_rule", byRule.toString())
                .raw("top_blocked", top.toString())
                .raw("recent_blocks", recent.toString())
                .raw("origins", orig.toString())
                .toString();
    }

    private static String rate(long delta, double secs) {
        return secs <= 0 ? "0" : String.format(Locale.ROOT, "%.2f", Math.max(0, delta) / secs);
    }

    private static String ms(double seconds) {
        return Double.isNaN(seconds) ? "null" : String.format(Locale.ROOT, "%.3f", seconds * 1000);
    }

    /** The q-quantile in seconds of per-bucket counts, linear within a bucket; NaN when empty. */
    static double quantile(double q, long[] perBucket) {
        long total = 0;
        for (long c : perBucket) {
            total += c;
        }
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long seen = 0;
        double[] bounds = Metrics.LATENCY_BUCKETS;
        for (int i = 0; i < perBucket.length; i++) {
            if (seen + perBucket[i] >= rank && perBucket[i] > 0) {
                if (i >= bounds.length) {
                    return bounds[bounds.length - 1];
                }
                double lower = i == 0 ? 0 : bounds[i - 1];
                return lower + (bounds[i] - lower) * ((rank - seen) / perBucket[i]);
            }
            seen += perBucket[i];
        }
        return bounds[bounds.length - 1];
    }
}
