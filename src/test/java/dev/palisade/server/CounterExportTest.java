package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.ConfigLoader;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.observe.Metrics;
import dev.palisade.testing.TestOrigin;

/** The gate's refusals reach /metrics through the once-a-second export. */
@Timeout(60)
class CounterExportTest {

    private static double denied() {
        String text = new String(Metrics.global().scrape(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("palisade_gate_rejections_total\\{reason=\"denied\"\\} ([0-9.eE+]+)").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void gateRefusalsAreExported() throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            PalisadeConfig cfg = ConfigLoader.parse("""
                    listeners:
                      - name: http
                        bind: 127.0.0.1:0
                    origins:
                      app:
                        servers: [127.0.0.1:%d]
                    admin:
                      enabled: false
                    guard:
                      gate:
                        deny: [127.0.0.2]
                    """.formatted(origin.port()), "test.yaml", null, Path.of("."));
            double before = denied();
            try (PalisadeServer proxy = PalisadeServer.start(cfg)) {
                for (int i = 0; i < 3; i++) {
                    try (Socket s = new Socket()) {
                        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
                        s.connect(new InetSocketAddress("127.0.0.1", proxy.port("http")), 2000);
                        s.setSoTimeout(2000);
                        assertTrue(s.getInputStream().read() < 0, "a denied address is cut without an answer");
                    } catch (java.net.SocketException reset) {
                        // reset at once: also refused
                    }
                }
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (denied() < before + 3 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(denied() >= before + 3, "refusals counted: " + denied() + " after " + before);
            }
        }
    }
}
