package dev.palisade.rules.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each operator against data rows: operator name | argument (lists split on '|') | value | expected. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OperatorTest {

    private static Operator make(String name, String arg) {
        Operators.Spec spec = Operators.byName(name);
        OperatorArg a = switch (spec.kind()) {
            case NONE -> OperatorArg.NONE;
            case TEXT -> OperatorArg.text(arg);
            case NUMBER -> OperatorArg.number(Long.parseLong(arg));
            case LIST -> OperatorArg.list(Arrays.asList(arg.split("\\|", -1)));
        };
        return spec.factory().apply(a);
    }

    @ParameterizedTest(name = "{0} {1} on ''{2}'' -> {3}")
    @CsvSource(delimiter = ';', emptyValue = "", value = {
        "equals;      /admin;            /admin;          true",
        "equals;      /admin;            /admin/;         false",
        "equals;      /admin;            /ADMIN;          false",
        "equals any;  GET|HEAD;          HEAD;            true",
        "in;          GET|HEAD;          POST;            false",
        "in;          GET|HEAD;          get;             false",
        "prefix;      /api/;             /api/v1;         true",
        "prefix;      /api/;             /apis;           false",
        "prefix any;  /a|/b;             /bee;            true",
        "suffix;      .php;              /x/index.php;    true",
        "suffix;      .php;              /x/index.phps;   false",
        "suffix any;  .bak|~;            config~;         true",
        "contains;    ../;               a/../b;          true",
        "contains;    ../;               a/./b;           false",
        "contains any; sqlmap|nikto|nmap; Mozilla sqlmap/1.7; true",
        "contains any; sqlmap|nikto|nmap; Mozilla/5.0;   false",
        "contains any; abc|bcd|cde;      xxbcdxx;         true",
        "contains word; cmd|id;          run /cmd.exe;    true",
        "contains word; cmd|id;          cmdlet;          false",
        "contains word; cmd|id;          x|id|y;          true",
        "contains word; cmd|id;          idea;            false",
        "matches;     ^/a+$;             /aaaa;           true",
        "matches;     ^/a+$;             /aaab;           false",
        "matches;     (?i)select\\s+from; SeLeCt   FROM;  true",
        "in cidr;     10.0.0.0/8|2001:db8::/32; 10.1.2.3; true",
        "in cidr;     10.0.0.0/8|2001:db8::/32; 11.1.2.3; false",
        "in cidr;     10.0.0.0/8|2001:db8::/32; 2001:db8::5; true",
        "in cidr;     10.0.0.0/8|2001:db8::/32; [2001:db8::5]; true",
        "in cidr;     10.0.0.0/8;        not-an-ip;       false",
        "in cidr;     10.0.0.0/8;        ::ffff:10.0.0.1; true",
        ">;           10;                11;              true",
        ">;           10;                10;              false",
        ">=;          10;                10;              true",
        "<;           10;                9;               true",
        "<=;          10;                11;              false",
        "==;          3;                 3;               true",
        "!=;          3;                 3;               false",
        ">;           10;                abc;             false",
        ">;           10;                99999999999999999999999; true",
        "is sqli;     ;                  1 or 1=1;        true",
        "is sqli;     ;                  O'Brien;         false",
        "is xss;      ;                  <svg onload=alert(1)>; true",
        "is xss;      ;                  <b>hi</b>;       false",
        "exists;      ;                  anything;        true",
    })
    void rows(String name, String arg, String value, boolean expected) {
        assertEquals(expected, make(name.trim(), arg == null ? "" : arg.trim()).test(value.trim()));
    }

    @Test
    void everyRegisteredNameBuilds() {
        for (String n : Operators.names()) {
            Operators.Spec s = Operators.byName(n);
            String arg = switch (s.kind()) {
                case NUMBER -> "1";
                case LIST -> n.equals("in cidr") ? "10.0.0.0/8" : "x";
                default -> "x";
            };
            make(n, arg);
        }
    }

    @Test
    void badArgumentsFailAtLoad() {
        assertThrows(IllegalArgumentException.class, () -> make("matches", "(a"));
        assertThrows(IllegalArgumentException.class, () -> make("matches", "(?<=a)b"));
        assertThrows(IllegalArgumentException.class, () -> make("in cidr", "10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> make("in cidr", "example.com"));
        assertThrows(IllegalArgumentException.class, () -> make("contains any", ""));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void reDosShapedRegexRunsInLinearTime() {
        String attack = "a".repeat(200_000) + "!";
        for (String re : List.of("^(a+)+$", "^(a|aa)+$", "^(a|a?)+$", "(.*a){20}", "^(\\w+\\s?)*$")) {
            Operator op = make("matches", re);
            op.test(attack);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void largePhraseListIsOnePass() {
        List<String> phrases = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            phrases.add("phrase" + i + "x");
        }
        Operator op = make("contains any", String.join("|", phrases));
        String value = "y".repeat(65_536) + "phrase19999x";
        assertTrue(op.test(value));
    }

    /**
     * The automaton's start-state shortcuts (characters and character pairs no phrase starts with are not
     * walked) against a plain substring search, on random phrases and values over a small alphabet with
     * single-character phrases, upper and lower case, and characters outside ASCII.
     */
    @Test
    void automatonFindsExactlyThePhrasesASubstringSearchFinds() {
        java.util.Random rnd = new java.util.Random(5);
        char[] alphabet = {'a', 'b', 'c', 'A', '/', '.', ' ', '\u00e9', '\u2215', '<'};
        for (int round = 0; round < 300; round++) {
            int count = 1 + rnd.nextInt(6);
            List<String> phrases = new java.util.ArrayList<>();
            int[] labels = new int[count];
            for (int p = 0; p < count; p++) {
                phrases.add(random(rnd, alphabet, 1 + rnd.nextInt(4)));
                labels[p] = p;
            }
            // full rows for every state (-1 on automata this small), for the start state only, and up to depth 1
            for (int denseDepth = -1; denseDepth <= 1; denseDepth++) {
                PhraseAutomaton a = new PhraseAutomaton(phrases, labels, denseDepth);
                for (int v = 0; v < 40; v++) {
                    String value = random(rnd, alphabet, rnd.nextInt(12));
                    long[] words = new long[2];
                    a.labelsIn(value, words, 1);
                    java.util.BitSet found = java.util.BitSet.valueOf(new long[] {words[1]});
                    boolean any = false;
                    for (int p = 0; p < count; p++) {
                        boolean occurs = value.contains(phrases.get(p));
                        any |= occurs;
                        assertEquals(occurs, found.get(p), denseDepth + ": " + phrases + " in '" + value + "'");
                    }
                    assertEquals(any, a.find(value), denseDepth + ": " + phrases + " in '" + value + "'");
                }
            }
        }
    }

    /**
     * The shipped rules' list files as one automaton (with the depth of full rows chosen by size, so most states
     * keep only their own edges) against a substring search, on every corpus line.
     */
    @Test
    void aLargeAutomatonWithSparseStatesFindsWhatASubstringSearchFinds() throws Exception {
        List<String> phrases = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("rules/lists"))) {
            for (java.nio.file.Path f : files.sorted().toList()) {
                for (String line : java.nio.file.Files.readAllLines(f)) {
                    if (!line.isBlank() && !line.startsWith("#") && phrases.size() < 6000) {
                        phrases.add(line.strip());
                    }
                }
            }
        }
        int[] labels = new int[phrases.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 128;
        }
        PhraseAutomaton a = new PhraseAutomaton(phrases, labels);
        List<String> values = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/test/resources/corpus"))) {
            for (java.nio.file.Path f : files.sorted().toList()) {
                java.nio.file.Files.readAllLines(f).forEach(l -> values.add(l.toLowerCase(java.util.Locale.ROOT)));
            }
        }
        int hits = 0;
        for (String value : values) {
            long[] words = new long[2];
            a.labelsIn(value, words, 0);
            long[] expected = new long[2];
            for (int p = 0; p < phrases.size(); p++) {
                if (value.contains(phrases.get(p))) {
                    expected[labels[p] >> 6] |= 1L << labels[p];
                }
            }
            assertEquals(expected[0], words[0], value);
            assertEquals(expected[1], words[1], value);
            hits += expected[0] != 0 || expected[1] != 0 ? 1 : 0;
        }
        assertTrue(phrases.size() > 200 && hits > 100, phrases.size() + " phrases, " + hits + " values with a phrase");
    }

    /**
     * The detectors remember verdicts on short values across requests: asked again, and asked after thousands
     * of other values have gone through the same fixed table (colliding, pushing entries out), they answer
     * exactly what the tokenizers answer; long values are judged every time.
     */
    @Test
    void rememberedDetectorVerdictsAreTheDetectorsVerdicts() throws Exception {
        Operator sqli = make("is sqli", null);
        Operator xss = make("is xss", null);
        List<String> values = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/test/resources/corpus"))) {
            for (java.nio.file.Path f : files.sorted().toList()) {
                values.addAll(java.nio.file.Files.readAllLines(f));
            }
        }
        values.add("1' or '1'='1" + "x".repeat(KnownValues.MAX_LENGTH));
        java.util.Random rnd = new java.util.Random(11);
        for (int i = 0; i < 3 * Detector.SLOTS; i++) {
            values.add(random(rnd, new char[] {'a', '1', '\'', ' ', '<', '=', '(', ')', '-', 'o', 'r'}, 1 + rnd.nextInt(12)));
        }
        int attacks = 0;
        for (int round = 0; round < 3; round++) {
            for (String v : values) {
                boolean s = dev.palisade.rules.detect.SqliDetector.isSqli(v);
                boolean x = dev.palisade.rules.detect.XssDetector.isXss(v);
                assertEquals(s, sqli.test(v), "sqli, round " + round + ": " + v);
                assertEquals(x, xss.test(v), "xss, round " + round + ": " + v);
                attacks += s || x ? 1 : 0;
            }
        }
        assertTrue(attacks > 1000, "attacks among the values: " + attacks);
    }

    private static String random(java.util.Random rnd, char[] alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet[rnd.nextInt(alphabet.length)]);
        }
        return b.toString();
    }
}
