package dev.palisade.rules;

import java.nio.file.Path;

import dev.palisade.config.RulesConfig;

/** Prints the cost of each shipped rule alone on one request, to find the expensive ones. */
public final class RuleCostProbe {

    private RuleCostProbe() {
    }

    public static void main(String[] args) throws Exception {
        RulesConfig cfg = new RulesConfig(Path.of("rules"), "block");
        RuleSet set = RuleLoader.load(cfg);
        TestRequest req = TestRequest.parse(args.length > 0 ? args[0] : "GET /products?category=shoes&size=42&page=3 ; User-Agent: "
                + Corpus.UA + " ; Accept: text/html ; Cookie: sid=8f14e45fceea167a; theme=dark ; Referer: https://example.com/");
        for (Rule r : set.rules()) {
            int n = 20000;
            for (int i = 0; i < n; i++) {
                set.match(r, req.exchange(), cfg);
            }
            long t0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                set.match(r, req.exchange(), cfg);
            }
            System.out.printf("%-6s %8d ns%n", r.id(), (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - t0) / n);
        }
    }
}
