package dev.palisade.rules;

import java.util.List;

/**
 * One compiled rule: {@code rule ID "message"}, its condition, its action and its test cases, with
 * the file and line it came from.
 */
public record Rule(String id, String message, String file, int line, Expr when, Action action, List<TestCase> tests) {

    public Rule {
        tests = List.copyOf(tests);
    }

    /** Whether any target of this rule reads the request body. */
    public boolean readsBody() {
        boolean[] reads = {false};
        when.targets(t -> reads[0] |= t.readsBody());
        return reads[0];
    }
}
