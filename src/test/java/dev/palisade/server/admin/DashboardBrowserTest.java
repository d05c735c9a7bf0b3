package dev.palisade.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.AdminConfig;
import dev.palisade.config.HostPort;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.observe.Exchanges;
import dev.palisade.observe.Metrics;
import dev.palisade.observe.MetricsLogStage;
import dev.palisade.pipeline.Outcome;
import dev.palisade.server.PalisadeServer;
import dev.palisade.testing.TestOrigin;

/**
 * The dashboard in a real browser: headless Debian Chromium loads the page from a running Palisade,
 * lets its script poll /api/stats, and dumps the DOM it built. The figures must be the traffic the test
 * made, and a hostile client value must show up as text, never as markup. Saves target/dashboard.png.
 * Skipped when /usr/bin/chromium is not installed (.ci/install-chromium.sh installs it).
 */
@Timeout(360)
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String HOSTILE = "<img src=x onerror=alert(1)>";
    private static final String RULE = "browser-test-9001";
    private static final String ATTACKER = "198.51.100.231";

    private TestOrigin origin;
    private PalisadeServer proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void showsLiveFiguresAndEscapesClientValues(@TempDir Path profile) throws Exception {
        installChromiumWhenMissing();
        assumeTrue(Files.isExecutable(CHROMIUM), "Debian chromium is not installed and could not be installed");
        origin = new TestOrigin("a");
        proxy = PalisadeServer.start(PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(origin.hostPort()))
                .withAdmin(new AdminConfig(true, new HostPort("127.0.0.1", 0), AdminServerTest.TOKEN, null, List.of())));
        HttpClient http = HttpClient.newHttpClient();
        int port = proxy.port("http");
        for (int i = 0; i < 7; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/page" + i))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
        }
        // three blocks as the rule engine's refusals reach the logging phase, the path carrying markup
        MetricsLogStage stage = new MetricsLogStage(Metrics.global());
        for (int i = 0; i < 3; i++) {
            stage.onComplete(Exchanges.refusedByStage(ATTACKER, "/search/" + HOSTILE, "RuleStage",
                    Map.of("Host", "shop.example")), new Outcome(403, 0, 0, 1_000_000, "", RULE, "xss"));
        }
        String base = proxy.admin().url();
        String dom = chromium(profile, "--dump-dom", base);

        assertTrue(dom.contains("<td>" + RULE + "</td>"), "rule row: " + dom);
        Matcher rule = Pattern.compile("<td>" + RULE + "</td><td class=\"num\">[0-9.]+</td><td class=\"num\">(\\d+)</td>")
                .matcher(dom);
        assertTrue(rule.find(), dom);
        assertEquals("3", rule.group(1), "blocked total for the rule");
        Matcher top = Pattern.compile("<td>" + Pattern.quote(ATTACKER) + "</td><td class=\"num\">(\\d+)</td>").matcher(dom);
        assertTrue(top.find(), "top blocked address: " + dom);
        assertEquals("3", top.group(1));
        Matcher total = Pattern.compile("<span id=\"requests-total\">(\\d+)</span>").matcher(dom);
        assertTrue(total.find(), dom);
        assertTrue(Long.parseLong(total.group(1)) >= 10, "requests since start, the test's 7 + 3 at least: " + total.group(1));
        assertTrue(dom.contains("updated "), "the page polled /api/stats");
        assertTrue(dom.contains(origin.hostPort().toString()), "origin listed");

        assertTrue(dom.contains("/search/&lt;img src=x onerror=alert(1)&gt;"), "hostile path shown as text: " + dom);
        assertFalse(dom.contains("<img"), "no element made from client data");

        Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        chromium(profile, "--screenshot=" + shot, "--window-size=1280,1100", base);
        assertTrue(Files.size(shot) > 10_000, "screenshot saved at " + shot);
    }

    /** The test run installs what it needs: Debian's chromium, through .ci/install-chromium.sh (bounded). */
    private static void installChromiumWhenMissing() throws IOException, InterruptedException {
        Path script = Path.of(".ci", "install-chromium.sh");
        if (Files.isExecutable(CHROMIUM) || !Files.exists(script)) {
            return;
        }
        Process p = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(240, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static String chromium(Path profile, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--virtual-time-budget=5000",
                "--run-all-compositor-stages-before-draw"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(profile.getParent(), "chromium", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish: " + cmd);
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        return text;
    }
}
