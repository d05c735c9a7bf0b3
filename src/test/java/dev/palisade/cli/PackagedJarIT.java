package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.testing.FreePort;
import dev.palisade.testing.TrustEverything;

/**
 * The README's first command, as a new user runs it: the packaged jar started with {@code run} and no
 * config (the demo), from an empty directory. Run by {@code mvn verify} after the jar is built (a Surefire
 * execution in the integration-test phase). The demo's ports are moved to free ones so the test never
 * collides with anything else on the machine.
 */
@Timeout(120)
class PackagedJarIT {

    @Test
    void theDemoStartsFromTheJarAndServesBlocksAndStopsCleanly(@TempDir Path work) throws Exception {
        Path jar = Path.of("target", "palisade.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "the jar is built before this test: " + jar);
        int http = FreePort.loopback();
        int https = FreePort.loopback();
        int admin = FreePort.loopback();
        Path out = work.resolve("out.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "run", "--demo-port", String.valueOf(http),
                "--demo-tls-port", String.valueOf(https), "--admin-port", String.valueOf(admin)));
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> home = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (home == null && System.nanoTime() < deadline && p.isAlive()) {
                try {
                    home = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            assertTrue(home != null, "the demo answered on its HTTP port; output:\n" + Files.readString(out));
            assertEquals(200, home.statusCode());

            HttpResponse<String> attack = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                    + "/?q=1%27%20union%20select%20password%20from%20users--")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, attack.statusCode(), "the shipped rules, read from the jar, block");
            assertFalse(attack.body().contains("union"), "the refusal page echoes nothing of the request");

            HttpClient h2 = HttpClient.newBuilder().sslContext(TrustEverything.context()).version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> secure = h2.send(HttpRequest.newBuilder(URI.create("https://localhost:" + https + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, secure.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, secure.version());
            assertTrue(Files.isDirectory(work.resolve("certs")), "the demo wrote its self-signed certificate");

            HttpResponse<String> health = plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin
                    + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        String log = Files.readString(out);
        assertFalse(log.contains("internal error") || log.contains("Exception") || log.contains("LEAK"), log);
    }
}
