package dev.palisade.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the config loader (Jazzer): any text either loads or is refused with
 * located problems; no other exception escapes, and nothing hangs. Seeds in
 * {@code src/test/resources/dev/palisade/config/ConfigFuzzTestInputs/}. Under {@code mvn verify} it fuzzes for
 * a few seconds; {@code bench/fuzz.sh} runs it longer.
 */
public class ConfigFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void loadsOrReportsProblems(byte[] input) {
        check(input);
    }

    /** One input; also called by the combined target {@code dev.palisade.EdgeInputFuzzTest}. */
    public static void check(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            ConfigLoader.parse(text, "fuzz.yaml", null, Path.of("/nonexistent-fuzz-base"));
        } catch (ConfigException expected) {
            // located problems: the expected outcome for most inputs
        }
    }
}
