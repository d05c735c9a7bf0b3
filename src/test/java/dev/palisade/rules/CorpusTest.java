package dev.palisade.rules;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shipped rules against the attack and benign corpora: every attack class must be blocked at
 * least {@value #MIN_DETECTION}% of the time and benign traffic at most {@value #MAX_FALSE_POSITIVES}%.
 * Prints the measured table.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CorpusTest {

    static final double MIN_DETECTION = 95.0;
    static final double MAX_FALSE_POSITIVES = 1.0;

    @Test
    void shippedRulesMeetDetectionAndFalsePositiveFloors() throws Exception {
        Corpus c = Corpus.shipped();
        Map<String, Corpus.Rate> attacks = c.attacks();
        Corpus.Rate benign = c.benign();
        Corpus.report(attacks, benign, System.out, true);
        for (Corpus.Rate r : attacks.values()) {
            assertTrue(r.total() >= 50, r.name() + ": corpus too small");
            assertTrue(r.percent() >= MIN_DETECTION, r.name() + ": detection " + r.percent() + "% < " + MIN_DETECTION + "%");
        }
        assertTrue(benign.total() >= 500, "benign corpus too small");
        assertTrue(benign.percent() <= MAX_FALSE_POSITIVES,
                "false positives " + benign.percent() + "% > " + MAX_FALSE_POSITIVES + "%: " + benign.misses());
    }
}
