package dev.palisade.bench;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Verdict;
import dev.palisade.rules.RuleEngineStage;
import dev.palisade.rules.RuleLoader;
import dev.palisade.rules.TestRequest;

/**
 * Cost of the shipped rule set (rules/ of the working directory, or -Drules.dir) on one request: the whole
 * rule stage, from a fresh per-request evaluation to the verdict. Each invocation gets a new exchange, as a
 * real request would, so nothing computed for one request is reused by the next; building it is measured
 * alone in {@link #exchangeOnly} to subtract.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RuleEngineBenchmark {

    static final String UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/124.0.0.0 Safari/537.36";

    @Param({"typical", "json-api", "attack"})
    public String request;

    private RuleEngineStage stage;
    private TestRequest req;

    @Setup
    public void setUp() throws Exception {
        RulesConfig cfg = new RulesConfig(Path.of(System.getProperty("rules.dir", "rules")), "block");
        stage = new RuleEngineStage(RuleLoader.load(cfg), cfg);
        req = TestRequest.parse(requestLine(request));
        if (stage.onRequest(req.exchange()) instanceof Verdict.Respond != request.equals("attack")) {
            throw new IllegalStateException("unexpected verdict for " + request);
        }
    }

    static String requestLine(String name) {
        switch (name) {
            case "typical":
                return "GET /products?category=shoes&size=42&page=3 ; User-Agent: " + UA
                        + " ; Accept: text/html,application/xhtml+xml ; Accept-Language: en-US,en;q=0.9"
                        + " ; Accept-Encoding: gzip, deflate, br ; Cookie: sid=8f14e45fceea167a; theme=dark"
                        + " ; Referer: https://example.com/catalog";
            case "json-api":
                return "POST /api/v1/orders ; User-Agent: " + UA + " ; Content-Type: application/json"
                        + " ; Accept: application/json ; Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2ln"
                        + " ; body: {\"customer\": {\"name\": \"Mary O'Hara\", \"email\": \"mary@example.com\"}, \"items\": "
                        + "[{\"sku\": \"A-100\", \"qty\": 2}, {\"sku\": \"B-7\", \"qty\": 1}], \"note\": \"ring twice, the bell is broken\"}";
            case "attack":
                return "GET /item?id=1%27%20union%20select%20password%20from%20users--%20 ; User-Agent: " + UA;
            default:
                throw new IllegalArgumentException(name);
        }
    }

    @Benchmark
    public Verdict evaluate() {
        return stage.onRequest(req.exchange());
    }

    @Benchmark
    public Exchange exchangeOnly() {
        return req.exchange();
    }
}
