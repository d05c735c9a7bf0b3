package dev.palisade.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.RulesConfig;

/** Loads the shipped rules/ directory and runs every test case written in its files. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShippedRulesTest {

    static final Path RULES = Path.of("rules");

    @Test
    void shippedRulesLoadWithoutProblems() throws Exception {
        RuleSet set = RuleLoader.load(new RulesConfig(RULES, "block"));
        assertTrue(set.size() >= 30, "expected the shipped rule set, got " + set.size() + " rules");
        assertTrue(set.readsBody());
    }

    @Test
    void everyTestCaseInEveryShippedFilePasses() throws Exception {
        List<Path> files = RuleLoader.files(RULES);
        assertFalse(files.isEmpty());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int failures = RuleTests.run(files, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertEquals(0, failures, out);
    }
}
