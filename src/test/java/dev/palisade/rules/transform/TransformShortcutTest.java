package dev.palisade.rules.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The "nothing to do" checks in front of transforms return exactly what the full transform would: on every
 * corpus line, its URL-decoded form, and random strings over the characters the checks look for.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransformShortcutTest {

    private static List<String> inputs() throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/corpus"))) {
            for (Path f : files.sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    out.add(line);
                    out.add(new UrlDecode().apply(line));
                }
            }
        }
        Random rnd = new Random(42);
        String alphabet = "./\\\\..//aAzZ09%+ ;\0\u00e9\u0130\u212a_-~";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(12);
            for (int k = 0; k < n; k++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void normalizePathShortcutEqualsTheFullResolution() throws Exception {
        int shortcut = 0;
        for (String v : inputs()) {
            if (!v.isEmpty() && NormalizePath.alreadyNormal(v)) {
                assertEquals(NormalizePath.resolve(v), v, v);
                shortcut++;
            }
            assertEquals(v.isEmpty() ? v : NormalizePath.resolve(v), new NormalizePath().apply(v), v);
        }
        assertTrue(shortcut > 1000, "shortcut taken " + shortcut + " times");
    }

    @Test
    void lowerShortcutEqualsToLowerCase() throws Exception {
        for (String v : inputs()) {
            assertEquals(v.toLowerCase(Locale.ROOT), new Lower().apply(v), v);
        }
    }
}
