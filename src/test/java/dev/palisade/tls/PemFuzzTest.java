package dev.palisade.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.palisade.config.ConfigProblem;
import dev.palisade.config.TlsConfig;

/**
 * Coverage-guided fuzzing of the PEM loader (Jazzer): any file content yields certificates and keys or
 * problems naming the file; no exception escapes (broken base64, truncated DER, wrong block types,
 * encrypted keys without a password).
 */
public class PemFuzzTest {

    private static final TlsConfig TLS = TlsConfig.of(Path.of("fuzz-certs"));

    @FuzzTest(maxDuration = "2m")
    void readsOrReportsProblems(byte[] input) {
        check(input);
    }

    /** One input; also called by the combined target {@code dev.palisade.EdgeInputFuzzTest}. */
    public static void check(byte[] input) {
        List<ConfigProblem> problems = new ArrayList<>();
        PemFile.parse(Path.of("fuzz.pem"), new String(input, StandardCharsets.US_ASCII),
                new KeyPassword(TLS, Map.of("FUZZ_KEY_PASSWORD", "secret")::get), problems);
    }
}
