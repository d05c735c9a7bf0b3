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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.ConfigLoader;
import dev.palisade.observe.Exchanges;
import dev.palisade.observe.Metrics;
import dev.palisade.observe.MetricsLogStage;
import dev.palisade.pipeline.Outcome;
import dev.palisade.server.PalisadeServer;
import dev.palisade.testing.Closing;
import dev.palisade.testing.DebianTool;
import dev.palisade.testing.Eventually;
import dev.palisade.testing.TestOrigin;

/**
 * The dashboard in a real browser: headless Debian Chromium loads the page from a running Palisade,
 * lets its script poll /api/stats, and dumps the DOM it built. The figures must be the traffic the test
 * made, and a hostile client value must show up as text, never as markup. Saves target/dashboard.png.
 * Installs Debian's chromium when it is missing (testing.DebianTool); skipped only when that fails.
 */
@Timeout(360)
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String HOSTILE = "<img src=x onerror=alert(1)>";
    private static final String RULE = "browser-test-9001";
    private static final String ATTACKER = "198.51.100.231";

    private TestOrigin origin;
    private PalisadeServer proxy;

    @RegisterExtension
    final Closing closing = new Closing();


    @Test
    void showsLiveFiguresAndEscapesClientValues(@TempDir Path profile) throws Exception {
        assumeTrue(DebianTool.ensure("chromium", CHROMIUM), "Debian chromium is not installed and could not be installed");
        origin = closing.add(new TestOrigin("a"));
        // two groups on the same origin: "app" takes the traffic, "sick" health-checks a path answering 503
        Path file = profile.getParent().resolve("dashboard-test.yaml");
        Files.writeString(file, "listeners:\n  - name: http\n    bind: 127.0.0.1:0\norigins:\n  app:\n    servers: ["
                + origin.hostPort() + "]\n  sick:\n    servers: [" + origin.hostPort() + "]\n    health_check:\n"
                + "      path: /status/503\n      interval: 100ms\n      fall: 1\n"
                + "routes:\n  - name: all\n    path_prefix: /\n    group: app\n"
                + "admin:\n  bind: 127.0.0.1:0\n  token: " + AdminServerTest.TOKEN + "\n");
        proxy = closing.add(PalisadeServer.start(ConfigLoader.load(file)));
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 200 && proxy.originState().stream().noneMatch(g -> g.count("down") == 1); i++) {
            Thread.sleep(25);
        }
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
        // the per-rule totals are sampled once a second (the recent blocks are read live, so the rule's name alone
        // shows up before the sample does): wait for a sample that counts the blocks before loading the page
        HttpRequest stats = HttpRequest.newBuilder(URI.create(base + "api/stats")).build();
        String sampled = "\"rule\":\"" + RULE + "\",\"total\":3";
        assertTrue(Eventually.holds(() -> {
            try {
                return http.send(stats, HttpResponse.BodyHandlers.ofString()).body().contains(sampled);
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }), "the blocks reach /api/stats");
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
        String server = Pattern.quote(origin.hostPort().toString());
        Matcher up = Pattern.compile("<td>app</td><td>" + server + "</td><td class=\"state-up\">up</td>"
                + "<td class=\"num\">(\\d+)</td><td class=\"num\">(\\d+)</td><td class=\"num\">([0-9.]+)</td>").matcher(dom);
        assertTrue(up.find(), "origin row of app: " + dom);
        assertEquals("0", up.group(1), "nothing in flight");
        assertEquals("0", up.group(2), "never ejected");
        assertTrue(Double.parseDouble(up.group(3)) > 0, "latency estimate from the test's requests: " + up.group(3));
        assertTrue(dom.contains("<td>sick</td><td>" + origin.hostPort() + "</td><td class=\"state-down\">down</td>"),
                "the failing health check shows: " + dom);

        assertTrue(dom.contains("/search/&lt;img src=x onerror=alert(1)&gt;"), "hostile path shown as text: " + dom);
        assertFalse(dom.contains("<img"), "no element made from client data");

        Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        chromium(profile, "--screenshot=" + shot, "--window-size=1280,1100", base);
        assertTrue(Files.size(shot) > 10_000, "screenshot saved at " + shot);
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
