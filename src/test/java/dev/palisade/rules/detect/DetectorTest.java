package dev.palisade.rules.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.palisade.rules.transform.Transform;
import dev.palisade.rules.transform.Transforms;

/** The SQL and XSS detectors against the vectors in src/test/resources/DetectorTest, and hostile input. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DetectorTest {

    private static Stream<String> lines(String name) throws IOException {
        return Files.readAllLines(Path.of("src/test/resources/DetectorTest", name), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isEmpty());
    }

    static Stream<String> sqliPositive() throws IOException {
        return lines("sqli-positive.txt");
    }

    static Stream<String> sqliNegative() throws IOException {
        return lines("sqli-negative.txt");
    }

    static Stream<String> xssPositive() throws IOException {
        return lines("xss-positive.txt");
    }

    static Stream<String> xssNegative() throws IOException {
        return lines("xss-negative.txt");
    }

    @ParameterizedTest
    @MethodSource("sqliPositive")
    void sqliFound(String v) {
        assertNotNull(SqliDetector.reason(v), v);
    }

    @ParameterizedTest
    @MethodSource("sqliNegative")
    void sqliNotFound(String v) {
        assertNull(SqliDetector.reason(v), v);
    }

    @ParameterizedTest
    @MethodSource("xssPositive")
    void xssFound(String v) {
        assertNotNull(XssDetector.reason(v), v);
    }

    @ParameterizedTest
    @MethodSource("xssNegative")
    void xssNotFound(String v) {
        assertNull(XssDetector.reason(v), v);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void hugeAndPathologicalValuesFinish() {
        String[] hostile = {
            "'".repeat(65_536), "\"".repeat(65_536), "<".repeat(65_536), "<a b=\"".repeat(10_000),
            "(".repeat(65_536), "/*".repeat(30_000), "-- ".repeat(20_000), "1 or ".repeat(10_000),
            "on".repeat(30_000) + "=", "<svg " + "x ".repeat(30_000), "{{".repeat(30_000), "${".repeat(30_000),
            "@@".repeat(30_000), "a".repeat(1 << 20), "' or '".repeat(10_000), "javascript:".repeat(5_000),
        };
        for (String h : hostile) {
            SqliDetector.reason(h);
            XssDetector.reason(h);
        }
        assertFalse(SqliDetector.isSqli("a".repeat(1 << 20)));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void randomInputNeverThrows() {
        Random r = new Random(42);
        String alphabet = "'\"`<>/\\=;:()[]{}-#*!@$%&|^~ \t\nabcselctunioORANDxsrptn0123456789";
        for (int i = 0; i < 20_000; i++) {
            int n = r.nextInt(80);
            StringBuilder sb = new StringBuilder(n);
            for (int k = 0; k < n; k++) {
                sb.append(r.nextInt(10) == 0 ? (char) r.nextInt(0x3000) : alphabet.charAt(r.nextInt(alphabet.length())));
            }
            SqliDetector.reason(sb.toString());
            XssDetector.reason(sb.toString());
        }
    }

    /**
     * The cheap pre-checks that spare the detectors (a value without the characters or words a shape needs)
     * never change a verdict: every vector, every corpus line plain, URL-decoded and lowercased, and random
     * strings built from SQL, HTML and JavaScript fragments get the same answer with and without them.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void quickChecksNeverChangeAVerdict() throws IOException {
        List<String> values = new ArrayList<>();
        for (String f : List.of("sqli-positive.txt", "sqli-negative.txt", "xss-positive.txt", "xss-negative.txt")) {
            lines(f).forEach(values::add);
        }
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/corpus"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                values.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
            }
        }
        Transform decode = Transforms.byName("url_decode");
        Transform html = Transforms.byName("html_decode");
        for (String v : List.copyOf(values)) {
            values.add(decode.apply(v));
            values.add(html.apply(decode.apply(v)).toLowerCase(java.util.Locale.ROOT));
        }
        String[] parts = {"'", "\"", "`", " ", "+", "(", ")", ";", "--", "#", "/*", "*/", "/*!", "=", "<", ">", "||", "&&",
            "@@", "@", "0x", "1", "2e5", ".", ",", "union", "UNION", "select", "all", "from", "or", "and", "xor", "not",
            "sleep", "benchmark", "waitfor", "delay", "into", "outfile", "order", "by", "group", "having", "drop",
            "table", "exec", "x", "users", "information_schema.tables", "version", "like", "true", "null",
            "<script", "<svg", "<img", "onload", "onerror", "style", "javascript", ":", "alert", "prompt",
            "document.cookie", "{{", "}}", "${", "constructor", "/", "\\", "data", "text/html", "é", "\u0130"};
        Random r = new Random(7);
        for (int i = 0; i < 15_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(12); k >= 0; k--) {
                sb.append(parts[r.nextInt(parts.length)]);
            }
            values.add(sb.toString());
        }
        for (String v : values) {
            assertEquals(SqliDetector.reason(v, false), SqliDetector.reason(v, true), () -> "sqli: " + v);
            assertEquals(XssDetector.reason(v, false), XssDetector.reason(v, true), () -> "xss: " + v);
            // the engine skips values without any of NEEDS unread
            if (v.chars().noneMatch(c -> XssDetector.NEEDS.indexOf(c) >= 0)) {
                assertEquals(null, XssDetector.reason(v, false), () -> "xss without any of NEEDS: " + v);
            }
        }
    }
}
