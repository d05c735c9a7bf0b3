package dev.palisade.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.ConfigLoader;
import dev.palisade.observe.Metrics;
import dev.palisade.server.PalisadeServer;
import dev.palisade.testing.Closing;
import dev.palisade.testing.Eventually;
import dev.palisade.testing.RawClient;
import dev.palisade.testing.TestOrigin;

/**
 * Rule files are watched: writing a file in rules.dir reloads (after a quiet second) without SIGHUP or the
 * admin API; a file that does not parse is refused and the running rules keep blocking.
 */
@Timeout(60)
class RuleFilesReloadTest {

    private TestOrigin origin;
    private PalisadeServer proxy;

    @RegisterExtension
    final Closing closing = new Closing();


    private String status(String path) throws Exception {
        try (RawClient c = new RawClient(proxy.port("http"))) {
            return c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClose()
                    .substring(9, 12);
        }
    }


    private static double failedReloads() {
        String text = new String(Metrics.global().scrape(), java.nio.charset.StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.startsWith("palisade_reloads_total{result=\"failed\"}")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void aChangedRuleFileIsPickedUpAndABrokenOneRefused(@TempDir Path dir) throws Exception {
        origin = closing.add(new TestOrigin("a"));
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Files.writeString(rules.resolve("10-site.rules"), "rule 9201 \"one\"\n  when path contains \"/one\"\n  then block\n");
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(file, "listeners:\n  - name: http\n    bind: 127.0.0.1:0\norigins:\n  app:\n    servers: ["
                + origin.hostPort() + "]\nrules:\n  dir: " + rules + "\nadmin:\n  enabled: false\n");
        proxy = closing.add(PalisadeServer.start(ConfigLoader.load(file)));
        assertEquals("403", status("/one"));
        assertEquals("200", status("/two"));

        Files.writeString(rules.resolve("20-more.rules"), "rule 9202 \"two\"\n  when path contains \"/two\"\n  then block\n");
        assertTrue(Eventually.holds(() -> {
            try {
                return status("/two").equals("403");
            } catch (Exception e) {
                return false;
            }
        }), "the new rule file took effect without a reload call");
        assertEquals("403", status("/one"));

        double failed = failedReloads();
        Files.writeString(rules.resolve("30-broken.rules"), "rule 9203 \"broken\"\n  when nosuch contains \"x\"\n");
        assertTrue(Eventually.holds(() -> failedReloads() > failed), "the broken file was tried and refused");
        assertEquals("403", status("/two"), "the running rules stay");
        assertEquals("403", status("/one"));
    }
}
