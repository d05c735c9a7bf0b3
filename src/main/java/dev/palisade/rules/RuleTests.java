package dev.palisade.rules;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.palisade.config.ConfigProblem;
import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Exchange;

/**
 * Runs the test cases written inside rule files: {@code test block:} requests must match their rule,
 * {@code test pass:} requests must not. Each rule is tested alone, whatever the mode, so a test
 * checks the rule it sits in and not its neighbours. Used by {@code palisade rules test} and by the
 * project's own test suite.
 */
public final class RuleTests {

    private RuleTests() {
    }

    /**
     * Loads {@code files} and runs every test case. Prints one line per failure (and per load problem),
     * naming file and line, then a summary line. Returns the number of failures; load problems count.
     */
    public static int run(List<Path> files, PrintStream out) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<Rule> rules = RuleLoader.collect(files, problems);
        int failures = 0;
        for (ConfigProblem p : problems) {
            out.println("FAIL " + p);
            failures++;
        }
        RuleSet set = new RuleSet(rules);
        RulesConfig cfg = RulesConfig.DEFAULTS;
        int cases = 0;
        for (Rule r : set.rules()) {
            for (TestCase t : r.tests()) {
                cases++;
                Exchange ex = t.request().exchange();
                Match m;
                try {
                    m = set.match(r, ex, cfg);
                } catch (RuntimeException e) {
                    out.println("FAIL " + t.file() + ":" + t.line() + ": rule " + r.id() + ": error " + e + " on: "
                            + t.request());
                    failures++;
                    continue;
                }
                if (t.expectMatch() && m == null) {
                    out.println("FAIL " + t.file() + ":" + t.line() + ": rule " + r.id()
                            + ": expected block, the rule did not match: " + t.request());
                    failures++;
                } else if (!t.expectMatch() && m != null) {
                    out.println("FAIL " + t.file() + ":" + t.line() + ": rule " + r.id() + ": expected pass, the rule matched "
                            + (m.field().isEmpty() ? "" : m.field() + " ") + "on: " + t.request());
                    failures++;
                }
            }
        }
        out.println(cases + " test cases in " + files.size() + " files, " + failures + " failures");
        return failures;
    }
}
