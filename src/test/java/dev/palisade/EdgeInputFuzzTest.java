package dev.palisade;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.palisade.config.ConfigFuzzTest;
import dev.palisade.rules.RuleTextFuzzTest;
import dev.palisade.rules.detect.DetectorFuzzTest;
import dev.palisade.server.RequestPathFuzzTest;
import dev.palisade.tls.PemFuzzTest;

/**
 * The short fuzz run of {@code mvn verify}: Jazzer fuzzes one test per JVM, and starting an instrumented
 * JVM costs more than a few seconds of fuzzing, so this one target feeds all five parsers that read
 * untrusted or operator input (the first byte picks which) for ten seconds in one JVM. Each parser also
 * has its own target for longer runs ({@code bench/fuzz.sh}); their seeds are replayed in every test run.
 */
class EdgeInputFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void everyParser(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        switch ((input[0] & 0xff) % 5) {
            case 0 -> RequestPathFuzzTest.check(rest);
            case 1 -> ConfigFuzzTest.check(rest);
            case 2 -> RuleTextFuzzTest.check(rest);
            case 3 -> DetectorFuzzTest.check(rest);
            default -> PemFuzzTest.check(rest);
        }
    }
}
