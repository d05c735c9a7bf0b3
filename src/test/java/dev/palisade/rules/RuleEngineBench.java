package dev.palisade.rules;

import java.nio.file.Path;
import java.util.List;

import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Exchange;

/**
 * A cost-per-request figure for the shipped rules without JMH (see bench/rules/README.md; the JMH benchmarks in
 * bench/jmh use the same requests). Prints this thread's CPU nanoseconds per request (CPU time, so other load on
 * the machine inflates it less than wall time) for a typical browser request, a JSON API call and an attack.
 */
public final class RuleEngineBench {

    private RuleEngineBench() {
    }

    public static void main(String[] args) throws Exception {
        RulesConfig cfg = new RulesConfig(Path.of("rules"), "block");
        RuleEngineStage stage = new RuleEngineStage(RuleLoader.load(cfg), cfg);
        List<String[]> cases = List.of(
                new String[] {"typical", "GET /products?category=shoes&size=42&page=3 ; User-Agent: " + Corpus.UA
                        + " ; Accept: text/html,application/xhtml+xml ; Accept-Language: en-US,en;q=0.9"
                        + " ; Accept-Encoding: gzip, deflate, br ; Cookie: sid=8f14e45fceea167a; theme=dark"
                        + " ; Referer: https://example.com/catalog"},
                new String[] {"json-api", "POST /api/v1/orders ; User-Agent: " + Corpus.UA + " ; Content-Type: application/json"
                        + " ; Accept: application/json ; Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2ln"
                        + " ; body: {\"customer\": {\"name\": \"Mary O'Hara\", \"email\": \"mary@example.com\"}, \"items\": "
                        + "[{\"sku\": \"A-100\", \"qty\": 2}, {\"sku\": \"B-7\", \"qty\": 1}], \"note\": \"ring twice, the bell is broken\"}"},
                new String[] {"attack", "GET /item?id=1%27%20union%20select%20password%20from%20users--%20 ; User-Agent: "
                        + Corpus.UA});
        if (System.getProperty("request") != null) {
            // -Drequest="GET /small ; User-Agent: ..." (TestRequest's notation): one request of one's own
            cases = List.<String[]>of(new String[] {"request", System.getProperty("request")});
        }
        if (!Boolean.getBoolean("skipScaling")) {
            scaling();
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        int n = Integer.getInteger("n", 30_000);
        // -Dcold=MB: between requests, write over MB megabytes, as a proxy's other work does between two
        // requests' rule evaluations; the figure is then the rules' cost with their data out of the caches
        // (the eviction itself is in both loops and cancels out)
        long[] cold = new long[Integer.getInteger("cold", 0) * (1 << 20) / 8];
        String only = System.getProperty("case", "");
        for (String[] c : cases) {
            if (!only.isEmpty() && !only.equals(c[0])) {
                continue;
            }
            TestRequest req = TestRequest.parse(c[1]);
            long best = Long.MAX_VALUE;
            long bestExchange = Long.MAX_VALUE;
            // 3 warm-up rounds, then the best of 5: on a shared machine the best round is the least disturbed
            for (int round = 0; round < 8; round++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    stage.onRequest(req.exchange());
                    sink += evict(cold);
                }
                long t1 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    req.exchange();
                    sink += evict(cold);
                }
                long t2 = mx.getCurrentThreadCpuTime();
                if (round >= 3) {
                    best = Math.min(best, (t1 - t0) / n);
                    bestExchange = Math.min(bestExchange, (t2 - t1) / n);
                }
            }
            System.out.printf("%-10s %8d ns CPU/request (the rules alone: best of 5 rounds of %d less building the test exchange, %d ns)"
                    + "; %d bytes allocated/request, the exchange's %d included%n", c[0], best - bestExchange, n, bestExchange,
                    allocated(stage, req, false), allocated(stage, req, true));
        }
    }

    private static long sink;

    /** Writes one word per 64-byte line of {@code buffer}. */
    private static long evict(long[] buffer) {
        for (int i = 0; i < buffer.length; i += 8) {
            buffer[i]++;
        }
        return buffer.length == 0 ? 0 : buffer[buffer.length - 8];
    }

    /**
     * Bytes this thread allocates per evaluation, the exchange included: unlike time, this does not move with
     * the machine's load.
     */
    private static long allocated(RuleEngineStage stage, TestRequest req, boolean exchangeOnly) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        int n = 1000;
        long a0 = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
            if (exchangeOnly) {
                req.exchange();
            } else {
                stage.onRequest(req.exchange());
            }
        }
        return (mx.getCurrentThreadAllocatedBytes() - a0) / n;
    }

    /** Cost of synthetic rule sets of 10, 100 and 1,000 phrase and literal rules on one typical request. */
    private static void scaling() throws Exception {
        TestRequest req = TestRequest.parse("GET /products/list?category=shoes&q=red+running ; User-Agent: " + Corpus.UA
                + " ; Referer: https://example.com/");
        RulesConfig cfg = new RulesConfig(Path.of("rules"), "block");
        for (int size : new int[] {10, 100, 1000}) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < size; i++) {
                if (i % 2 == 0) {
                    text.append("rule s").append(i).append(" \"synthetic phrase\" when lower(any(args, header(\"User-Agent\")))")
                            .append(" contains any [\"tok").append(i).append("a\", \"tok").append(i).append("b\"] then block\n");
                } else {
                    text.append("rule s").append(i).append(" \"synthetic literal\" when path equals \"/x").append(i)
                            .append("\" then block\n");
                }
            }
            RuleEngineStage stage = new RuleEngineStage(RuleLoader.parse("synthetic.rules", text.toString()), cfg);
            int n = Integer.getInteger("n", 20_000) / 4;
            for (int i = 0; i < n; i++) {
                stage.onRequest(req.exchange());
            }
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                stage.onRequest(req.exchange());
            }
            System.out.printf("synthetic %5d rules %8d ns CPU/request%n", size, (mx.getCurrentThreadCpuTime() - t0) / n);
        }
    }
}
