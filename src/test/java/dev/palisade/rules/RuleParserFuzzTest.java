package dev.palisade.rules;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.ConfigException;

/**
 * Random and mutated rule text through the parser: it either loads or reports located problems; no
 * other exception escapes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuleParserFuzzTest {

    static final String SEED = """
            rule 1 "a" when lower(url_decode(any(args, cookies))) contains any ["x", "y"] and not (path prefix "/a"
              or count(header("Host")) > 1) then block status 403 tag t detect_only
              test block: GET /?a=x
            rule 2 "b" when client_ip in cidr ["10.0.0.0/8"] or url_decode(path) matches "^/(a|b)+$" then score 3
            """;

    static final String[] TOKENS = {"rule", "when", "then", "test", "block", "pass", ":", "and", "or", "not", "(", ")",
        "[", "]", ",", "\"", "'", "\n", " ", "path", "args", "header(", "lower(", "any(", "count(", "contains",
        "any", "file", "matches", "in", "cidr", ">", ">=", "==", "!", "=", "42", "\"x\"", "#", "is", "sqli", "status",
        "score", "tag", "allow", "log", "\\", "\u0000", "\u00e9"};

    @Test
    void randomTokenSequencesNeverThrowAnythingButConfigException() {
        Random r = new Random(7);
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(60);
            for (int k = 0; k < n; k++) {
                sb.append(TOKENS[r.nextInt(TOKENS.length)]).append(r.nextBoolean() ? " " : "");
            }
            parse(sb.toString());
        }
    }

    @Test
    void mutatedValidFilesNeverThrowAnythingButConfigException() {
        Random r = new Random(11);
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder(SEED);
            int edits = 1 + r.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = r.nextInt(sb.length());
                switch (r.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, TOKENS[r.nextInt(TOKENS.length)]);
                    default -> sb.setCharAt(at, (char) (32 + r.nextInt(95)));
                }
            }
            parse(sb.toString());
        }
    }

    private static void parse(String text) {
        try {
            RuleLoader.parse("fuzz.rules", text);
        } catch (ConfigException expected) {
            // located problems are the expected outcome for most inputs
        }
    }
}
