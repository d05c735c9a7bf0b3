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
        addRandom(out, new Random(42), "./\\\\..//aAzZ09%+ ;\0\u00e9\u0130\u212a_-~", 12);
        return out;
    }

    /** Adds 200,000 random strings of up to {@code maxLength - 1} characters of {@code alphabet}. */
    private static void addRandom(List<String> out, Random rnd, String alphabet, int maxLength) {
        for (int i = 0; i < 200_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(maxLength);
            for (int k = 0; k < n; k++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            out.add(sb.toString());
        }
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

    /**
     * The engine skips a transform on a value that holds none of its triggers or one of its stoppers: such a
     * value must come back as the same instance, for every transform, on the corpus and on random strings over
     * the characters some transform reacts to.
     */
    @Test
    void aValueWithoutTriggersOrWithAStopperIsReturnedAsItIs() throws Exception {
        List<String> values = inputs();
        addRandom(values, new Random(7), "aAzZ09%+&#;<>='\"`^${}/\\.*- \t\n\r\u000b\f\u001c\u00a0\u2003\u007f\u00e9\0xX_", 16);
        long[] c = new long[2];
        int skipped = 0;
        for (String name : Transforms.names()) {
            Transform t = Transforms.byName(name);
            for (String v : values) {
                CharMask.summarize(v, c, 0);
                if (!t.triggers().meets(c[0], c[1]) || t.stoppers().meets(c[0], c[1])) {
                    skipped++;
                    assertTrue(t.apply(v) == v, name + " changed a value it is skipped on: " + v);
                }
            }
        }
        assertTrue(skipped > 100_000, "skips checked: " + skipped);
    }

    @Test
    void summaryHoldsExactlyTheCharactersOfTheString() {
        Random rnd = new Random(3);
        long[] c = new long[2];
        for (int i = 0; i < 50_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(10);
            for (int k = 0; k < n; k++) {
                sb.append((char) (rnd.nextBoolean() ? rnd.nextInt(130) : rnd.nextInt(0x3000)));
            }
            String v = sb.toString();
            CharMask.summarize(v, c, 0);
            assertEquals(CharMask.of(v), new CharMask(c[0], c[1]), v);
            for (char ch = 0; ch < 200; ch++) {
                boolean holds = v.indexOf(ch) >= 0 || ch >= 127 && v.chars().anyMatch(x -> x >= 127);
                assertEquals(holds, CharMask.of(String.valueOf(ch)).meets(c[0], c[1]), v + " / " + (int) ch);
            }
        }
    }

    @Test
    void lowerShortcutEqualsToLowerCase() throws Exception {
        for (String v : inputs()) {
            assertEquals(v.toLowerCase(Locale.ROOT), new Lower().apply(v), v);
        }
    }
}
