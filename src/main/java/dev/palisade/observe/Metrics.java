package dev.palisade.observe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;

/**
 * Every Palisade metric, in one Prometheus registry written out by the Prometheus Java client.
 *
 * <p>Other packages report through the one-line methods below ({@link #gateRejected}, {@link #banned},
 * {@link #tlsHandshake}, {@link #reload}, ...) on {@link #global()}; per-request figures come from
 * {@link MetricsLogStage}. Recording is cheap on an event loop: data points are looked up in
 * {@link LabelCells} (no allocation once a label value was seen, no lock), exemplars are off, and the
 * library's counters are {@code LongAdder}s. Every label set is bounded.
 */
public final class Metrics {

    /** Latency buckets in seconds, from half a millisecond to a minute. */
    static final double[] LATENCY_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
            10, 30, 60};
    static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private static final Metrics GLOBAL = new Metrics(true);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final long startMillis = System.currentTimeMillis();

    final Counter requests;
    final Histogram duration;
    final Counter bytesIn;
    final Counter bytesOut;
    final Counter blocked;
    final Counter rateLimited;
    final Counter refused;
    final Counter detections;
    private final Counter gateRejections;
    private final Counter bans;
    private final Counter tlsHandshakes;
    private final Counter tlsFailures;
    private final Counter tlsOcsp;
    private final Gauge originUp;
    private final Counter originEjections;
    private final Counter originRetries;
    private final Gauge originInFlight;
    private final Gauge originInUse;
    private final Counter reloads;
    private final Gauge lastReload;
    private final Counter adminAuthFailures;

    /** listener -> route -> origin -> data point per status class. */
    final LabelCells<LabelCells<LabelCells<CounterDataPoint[]>>> requestCells;
    /** listener -> route -> latency histogram. */
    final LabelCells<LabelCells<DistributionDataPoint>> durationCells;
    final LabelCells<CounterDataPoint> bytesInCells;
    final LabelCells<CounterDataPoint> bytesOutCells;
    final LabelCells<CounterDataPoint> blockedCells;
    final LabelCells<CounterDataPoint> rateLimitedCells;
    final LabelCells<CounterDataPoint> refusedCells;
    final LabelCells<CounterDataPoint> detectionCells;
    private final LabelCells<CounterDataPoint> gateCells;
    private final LabelCells<CounterDataPoint> banCells;
    private final LabelCells<LabelCells<CounterDataPoint>> tlsCells;
    private final LabelCells<LabelCells<CounterDataPoint>> tlsFailureCells;
    private final LabelCells<CounterDataPoint> retryCells;
    private final Map<String, Boolean> originHealth = new ConcurrentHashMap<>();
    private volatile LongSupplier activeBans = () -> 0;
    private volatile Supplier<ClusterView> cluster = () -> null;

    /**
     * Distributed mode as the metrics and /readyz show it.
     *
     * @param node      the node id
     * @param shared    true while buckets and bans are shared through Redis, false while on local state
     * @param detail    why, in one line
     * @param fallbacks falls back to local state since start
     * @param errors    Redis calls that failed or timed out since start
     */
    public record ClusterView(String node, boolean shared, String detail, long fallbacks, long errors) {}

    private final TopAddresses topBlocked = new TopAddresses(4096);
    private final RecentEvents recentBlocks = new RecentEvents(20);

    /** A registry of its own, without JVM metrics: for tests. */
    public Metrics() {
        this(false);
    }

    private Metrics(boolean jvm) {
        requests = counter("palisade_requests", "Requests answered, by listener, route, origin and status class",
                "listener", "route", "origin", "status");
        duration = Histogram.builder().name("palisade_request_duration_seconds")
                .help("From complete request head to last byte written").labelNames("listener", "route")
                .classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().register(registry);
        bytesIn = counter("palisade_request_body_bytes", "Request body bytes read from clients", "listener");
        bytesOut = counter("palisade_response_body_bytes", "Response body bytes written to clients", "listener");
        blocked = counter("palisade_blocked", "Requests refused by a request stage, by rule id", "rule");
        rateLimited = counter("palisade_rate_limited", "Requests refused with 429 by a rate-limit policy", "policy");
        refused = counter("palisade_refused", "Requests Palisade answered itself outside the request stages "
                + "(framing, protocol, routing, origin errors), by cause", "cause");
        detections = counter("palisade_detections", "Rule matches in detect-only mode (the request went on)", "rule");
        gateRejections = counter("palisade_gate_rejections", "Connections refused by the connection gate", "reason");
        bans = counter("palisade_bans", "Addresses banned", "reason");
        GaugeWithCallback.builder().name("palisade_bans_active").help("Bans in force")
                .callback(cb -> cb.call(activeBans.getAsLong())).register(registry);
        GaugeWithCallback.builder().name("palisade_cluster_shared")
                .help("Distributed mode: 1 while rate limits and bans are shared through Redis, 0 while local to this node")
                .callback(cb -> {
                    ClusterView v = cluster.get();
                    if (v != null) {
                        cb.call(v.shared() ? 1 : 0);
                    }
                }).register(registry);
        CounterWithCallback.builder().name("palisade_cluster_fallbacks")
                .help("Distributed mode: times this node fell back to local rate limits and bans")
                .callback(cb -> {
                    ClusterView v = cluster.get();
                    if (v != null) {
                        cb.call(v.fallbacks());
                    }
                }).register(registry);
        CounterWithCallback.builder().name("palisade_cluster_redis_errors")
                .help("Distributed mode: Redis calls that failed or timed out")
                .callback(cb -> {
                    ClusterView v = cluster.get();
                    if (v != null) {
                        cb.call(v.errors());
                    }
                }).register(registry);
        tlsHandshakes = counter("palisade_tls_handshakes", "Completed TLS handshakes", "listener", "version");
        tlsFailures = counter("palisade_tls_handshake_failures", "Failed TLS handshakes", "listener", "reason");
        tlsOcsp = counter("palisade_tls_ocsp_fetches", "OCSP responses fetched for stapling, by result (ok, failed)",
                "listener", "result");
        originUp = Gauge.builder().name("palisade_origin_up").help("1 when the origin server is healthy, 0 when ejected")
                .labelNames("group", "origin").withoutExemplars().register(registry);
        originEjections = counter("palisade_origin_ejections", "Origin servers taken out of rotation", "group", "origin");
        originRetries = counter("palisade_origin_retries", "Requests retried on another origin server", "group");
        originInFlight = Gauge.builder().name("palisade_origin_in_flight")
                .help("Requests sent to an origin server and not yet answered").labelNames("group", "origin")
                .withoutExemplars().register(registry);
        originInUse = Gauge.builder().name("palisade_origin_connections_in_use")
                .help("Connections to an origin server carrying a request").labelNames("group", "origin")
                .withoutExemplars().register(registry);
        reloads = counter("palisade_reloads", "Configuration reloads, by result", "result");
        lastReload = Gauge.builder().name("palisade_reload_last_success_timestamp_seconds")
                .help("Unix time of the last successful reload (or of start)").withoutExemplars().register(registry);
        lastReload.set(startMillis / 1000.0);
        adminAuthFailures = counter("palisade_admin_auth_failures", "Admin API calls refused for a missing or wrong token");

        requestCells = new LabelCells<>(64, l -> new LabelCells<>(256, r -> new LabelCells<>(256, o -> {
            CounterDataPoint[] byClass = new CounterDataPoint[STATUS_CLASSES.length];
            for (int i = 0; i < byClass.length; i++) {
                byClass[i] = requests.labelValues(l, r, o, STATUS_CLASSES[i]);
            }
            return byClass;
        })));
        durationCells = new LabelCells<>(64, l -> new LabelCells<>(256, r -> duration.labelValues(l, r)));
        bytesInCells = new LabelCells<>(64, bytesIn::labelValues);
        bytesOutCells = new LabelCells<>(64, bytesOut::labelValues);
        blockedCells = new LabelCells<>(2048, blocked::labelValues);
        rateLimitedCells = new LabelCells<>(256, rateLimited::labelValues);
        refusedCells = new LabelCells<>(128, refused::labelValues);
        detectionCells = new LabelCells<>(2048, detections::labelValues);
        gateCells = new LabelCells<>(64, gateRejections::labelValues);
        banCells = new LabelCells<>(64, bans::labelValues);
        tlsCells = new LabelCells<>(64, l -> new LabelCells<>(16, v -> tlsHandshakes.labelValues(l, v)));
        tlsFailureCells = new LabelCells<>(64, l -> new LabelCells<>(64, r -> tlsFailures.labelValues(l, r)));
        retryCells = new LabelCells<>(256, originRetries::labelValues);
        if (jvm) {
            JvmMetrics.builder().register(registry);
        }
    }

    private Counter counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
    }

    /** The process-wide metrics that /metrics serves. */
    public static Metrics global() {
        return GLOBAL;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Unix time in milliseconds when these metrics started. */
    public long startMillis() {
        return startMillis;
    }

    /** The whole registry in the Prometheus text format (version 0.0.4). */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    // ---- hooks for other packages: one line each at the place the event happens ----

    /** The connection gate refused a connection ({@code reason}: banned, per_address, rate, global, ...). */
    public void gateRejected(String reason) {
        gateCells.get(reason).inc();
    }

    /** {@code n} more connections refused by the gate, for a poller that reads the guard's own counters. */
    public void gateRejected(String reason, long n) {
        if (n > 0) {
            gateCells.get(reason).inc(n);
        }
    }

    /** An address was banned (the guard also writes the security event through {@link SecurityLog#ban}). */
    public void banned(String reason) {
        banCells.get(reason).inc();
    }

    /** Where the number of bans in force comes from (the guard's ban list), read at scrape time. */
    /** Where distributed mode's state is read from; null for a node on its own. */
    public void cluster(Supplier<ClusterView> state) {
        this.cluster = state == null ? () -> null : state;
    }

    /** Distributed mode's state now, or null for a node on its own. */
    public ClusterView cluster() {
        return cluster.get();
    }

    public void activeBans(LongSupplier count) {
        this.activeBans = count == null ? () -> 0 : count;
    }

    /** A TLS handshake completed on {@code listener} with {@code version} ("TLSv1.3", ...). */
    public void tlsHandshake(String listener, String version) {
        tlsCells.get(listener).get(version).inc();
    }

    /** A TLS handshake failed on {@code listener} ({@code reason}: not_tls, sni_refused, timeout, alert name...). */
    public void tlsHandshakeFailed(String listener, String reason) {
        tlsFailureCells.get(listener).get(reason).inc();
    }

    /** {@code n} more handshakes on {@code listener}, for a poller that reads the TLS terminator's counters. */
    public void tlsHandshakes(String listener, String version, long n) {
        if (n > 0) {
            tlsCells.get(listener).get(version).inc(n);
        }
    }

    /** {@code n} more failed handshakes on {@code listener} for {@code reason}, from the terminator's counters. */
    public void tlsHandshakesFailed(String listener, String reason, long n) {
        if (n > 0) {
            tlsFailureCells.get(listener).get(reason).inc(n);
        }
    }

    /** {@code n} more OCSP fetches on {@code listener} that ended in {@code result} (ok, failed). */
    public void tlsOcspFetches(String listener, String result, long n) {
        if (n > 0) {
            tlsOcsp.labelValues(listener, result).inc(n);
        }
    }

    /** The health state of one origin server changed (balance's health checks or passive ejection). */
    public void originHealth(String group, String origin, boolean up) {
        originUp.labelValues(group, origin).set(up ? 1 : 0);
        originHealth.put(group + "\n" + origin, up);
    }

    /** Whether {@code origin} of {@code group} was last reported healthy; null when nothing was reported. */
    public Boolean originUp(String group, String origin) {
        return originHealth.get(group + "\n" + origin);
    }

    /** {@code n} more ejections of {@code origin} by outlier detection, from a poller of the balancer's state. */
    public void originEjections(String group, String origin, long n) {
        if (n > 0) {
            originEjections.labelValues(group, origin).inc(n);
        }
    }

    /** A request was retried on another server of {@code group}. */
    public void originRetry(String group) {
        retryCells.get(group).inc();
    }

    /** The load on one origin server now: requests in flight and connections in use (set once a second). */
    public void originLoad(String group, String origin, int inFlight, int inUse) {
        originInFlight.labelValues(group, origin).set(inFlight);
        originInUse.labelValues(group, origin).set(inUse);
    }

    /** A reload (SIGHUP, POST /admin/reload or a file watcher) succeeded or was refused. */
    public void reload(boolean ok) {
        reloads.labelValues(ok ? "ok" : "failed").inc();
        if (ok) {
            lastReload.set(System.currentTimeMillis() / 1000.0);
        }
    }

    /** A rule matched in detect-only mode (the request went on). */
    public void detection(String ruleId) {
        detectionCells.get(ruleId).inc();
    }

    /** An admin API call came with a missing or wrong bearer token. */
    public void adminAuthFailed() {
        adminAuthFailures.inc();
    }

    // ---- read side, for the admin API and the dashboard ----

    TopAddresses topBlocked() {
        return topBlocked;
    }

    RecentEvents recentBlocks() {
        return recentBlocks;
    }

    /** Per-rule counts since start: blocked and detected, by rule id, sorted by id. */
    public Map<String, long[]> ruleHits() {
        Map<String, long[]> out = new TreeMap<>();
        for (CounterSnapshot.CounterDataPointSnapshot p : blocked.collect().getDataPoints()) {
            out.computeIfAbsent(p.getLabels().get("rule"), k -> new long[2])[0] += (long) p.getValue();
        }
        for (CounterSnapshot.CounterDataPointSnapshot p : detections.collect().getDataPoints()) {
            out.computeIfAbsent(p.getLabels().get("rule"), k -> new long[2])[1] += (long) p.getValue();
        }
        return out;
    }

    /** Requests answered since start, all labels summed. */
    public long requestsTotal() {
        long n = 0;
        for (CounterSnapshot.CounterDataPointSnapshot p : requests.collect().getDataPoints()) {
            n += (long) p.getValue();
        }
        return n;
    }

    /** Per-bucket (not cumulative) latency counts summed over every listener and route. */
    long[] latencyBuckets() {
        long[] out = new long[LATENCY_BUCKETS.length + 1];
        for (HistogramSnapshot.HistogramDataPointSnapshot p : duration.collect().getDataPoints()) {
            var b = p.getClassicBuckets();
            for (int i = 0; i < b.size() && i < out.length; i++) {
                out[i] += b.getCount(i);
            }
        }
        return out;
    }
}
