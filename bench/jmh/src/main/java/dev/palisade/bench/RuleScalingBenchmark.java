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
import dev.palisade.pipeline.Verdict;
import dev.palisade.rules.RuleEngineStage;
import dev.palisade.rules.RuleLoader;
import dev.palisade.rules.TestRequest;

/**
 * How the cost of one typical request grows with the number of rules, for synthetic rule sets of one kind:
 * {@code phrase} ({@code contains any} on arguments and the User-Agent, alone or inside an {@code or}),
 * {@code literal} ({@code path equals}, {@code lower(method) in}) and, for comparison, {@code regex} rules
 * that no index can skip. No rule matches the request, so every rule has to be ruled out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RuleScalingBenchmark {

    @Param({"10", "100", "1000"})
    public int rules;

    @Param({"phrase", "literal", "regex"})
    public String kind;

    private RuleEngineStage stage;
    private TestRequest req;

    @Setup
    public void setUp() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < rules; i++) {
            text.append("rule s").append(i).append(" \"synthetic ").append(kind).append("\"\n  when ");
            switch (kind) {
                case "phrase":
                    if (i % 2 == 0) {
                        text.append("lower(any(args, header(\"User-Agent\"))) contains any [\"tok").append(i)
                                .append("a\", \"tok").append(i).append("b\"]");
                    } else {
                        text.append("lower(url_decode(args)) contains \"word").append(i)
                                .append("\" or lower(header(\"Referer\")) contains any [\"ref").append(i).append("\"]");
                    }
                    break;
                case "literal":
                    text.append(i % 2 == 0 ? "path equals \"/x" + i + "\"" : "lower(header(\"Host\")) in [\"h" + i + ".test\"]");
                    break;
                default:
                    text.append("url_decode(args) matches \"^tok").append(i).append("[0-9]+x\"");
            }
            text.append("\n  then block\n");
        }
        RulesConfig cfg = new RulesConfig(Path.of("rules"), "block");
        stage = new RuleEngineStage(RuleLoader.parse("synthetic.rules", text.toString()), cfg);
        req = TestRequest.parse("GET /products/list?category=shoes&q=red+running ; User-Agent: "
                + RuleEngineBenchmark.UA + " ; Referer: https://example.com/");
        if (stage.onRequest(req.exchange()) != Verdict.CONTINUE) {
            throw new IllegalStateException("a synthetic rule matched");
        }
    }

    @Benchmark
    public Verdict evaluate() {
        return stage.onRequest(req.exchange());
    }
}
