package dev.palisade.rules;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.palisade.config.ConfigException;

/**
 * Coverage-guided fuzzing of the rule parser (Jazzer): any rule text compiles or is refused with a
 * located error; no other exception escapes, and nothing hangs. Seeds: the shipped rule files' shapes in
 * {@code src/test/resources/dev/palisade/rules/RuleTextFuzzTestInputs/}.
 */
public class RuleTextFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void compilesOrReportsProblems(byte[] input) {
        check(input);
    }

    /** One input; also called by the combined target {@code dev.palisade.EdgeInputFuzzTest}. */
    public static void check(byte[] input) {
        try {
            RuleLoader.parse("fuzz.rules", new String(input, StandardCharsets.UTF_8));
        } catch (ConfigException expected) {
            // a located problem
        }
    }
}
