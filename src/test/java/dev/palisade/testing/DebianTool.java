package dev.palisade.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A program from a Debian package that a test drives (a browser, a TLS scanner): installed by
 * {@code .ci/install-debian.sh} when missing, so the test runs on a fresh machine instead of skipping.
 */
public final class DebianTool {

    private DebianTool() {
    }

    /** Whether {@code program} is executable, after trying to install {@code debianPackage} when it was not. */
    public static boolean ensure(String debianPackage, Path program) throws IOException, InterruptedException {
        Path script = Path.of(".ci", "install-debian.sh");
        if (!Files.isExecutable(program) && Files.exists(script)) {
            Process p = new ProcessBuilder("bash", script.toString(), debianPackage, program.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(240, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        return Files.isExecutable(program);
    }
}
