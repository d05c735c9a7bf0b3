package dev.palisade.rules.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the SQL-injection and XSS tokenizers (Jazzer): any value, however broken its
 * quoting, comments or markup, gets an answer without an exception, and the reason agrees with the answer.
 */
public class DetectorFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void answersEveryValue(byte[] input) {
        check(input);
    }

    /** One input; also called by the combined target {@code dev.palisade.EdgeInputFuzzTest}. */
    public static void check(byte[] input) {
        String value = new String(input, StandardCharsets.UTF_8);
        assertEquals(SqliDetector.isSqli(value), SqliDetector.reason(value) != null, "sqli reason agrees");
        assertEquals(XssDetector.isXss(value), XssDetector.reason(value) != null, "xss reason agrees");
    }
}
