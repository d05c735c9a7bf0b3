package dev.palisade.rules;

import java.nio.file.Path;
import java.util.List;

import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Exchange;

/**
 * A rough cost-per-request figure for the shipped rules (a warm loop, not JMH; see bench/rules/README.md).
 * Prints CPU nanoseconds per request (CPU time, so other load on the machine does not inflate it) for a typical browser request, a JSON API call and an attack.
 */
public final class RuleEngineBench {

    private RuleEngineBench() {
    }

    public static void main(String[] args) throws Exception {
        RulesConfig cfg = new RulesConfig(Path.of("rules"), "block");
        RuleEngineStage stage = new RuleEngineStage(RuleLoader.load(cfg), cfg);
        List<String[]> cases = List.of(
                new String[] {"typical", "GET /products?category=shoes&size=42&page=3 ; User-Agent: " + Corpus.UA
                        + " ; Accept: text/html ; Accept-Language: en-US ; Cookie: sid=8f14e45fceea167a; theme=dark"
                        + " ; Referer: https://example.com/"},
                new String[] {"json-api", "POST /api/v1/orders ; User-Agent: " + Corpus.UA + " ; Content-Type: "
                        + "application/json ; body: {\"customer\": {\"name\": \"Mary O'Hara\"}, \"items\": [{\"sku\": "
                        + "\"A-100\", \"qty\": 2}], \"note\": \"ring twice\"}"},
                new String[] {"attack", "GET /item?id=1%27%20union%20select%20password%20from%20users--%20 ; User-Agent: "
                        + Corpus.UA});
        scaling();
        for (String[] c : cases) {
            TestRequest req = TestRequest.parse(c[1]);
            int n = Integer.getInteger("n", 20_000);
            for (int i = 0; i < n; i++) {
                stage.onRequest(req.exchange());
            }
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                stage.onRequest(req.exchange());
            }
            long per = (mx.getCurrentThreadCpuTime() - t0) / n;
            System.out.printf("%-10s %8d ns CPU/request (includes building the test exchange)%n", c[0], per);
        }
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
