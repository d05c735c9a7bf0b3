package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.ConfigLoader;
import dev.palisade.config.GuardConfig;
import dev.palisade.config.LimitsConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.config.TimeoutsConfig;
import dev.palisade.testing.RawClient;
import dev.palisade.testing.TestOrigin;
import dev.palisade.tls.Http2Limits;

/**
 * The safe defaults an operator gets from a config file that says nothing but where to listen and
 * where the origin is: every limit on with a finite value, the admin listener on loopback, TRACE refused,
 * and no version or framework name in any header or page Palisade sends, nor the origin's Server and
 * X-Powered-By.
 */
@Timeout(60)
class SafeDefaultsTest {

    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+|/\\d");

    private static PalisadeConfig minimal(String origin, String extra) throws Exception {
        String yaml = "listeners:\n  - bind: 127.0.0.1:0\norigins:\n  app:\n    servers: [" + origin + "]\n"
                + "rules:\n  dir: " + Path.of("rules").toAbsolutePath() + "\n" + extra;
        return ConfigLoader.parse(yaml, "palisade.yaml", null, Path.of(".").toAbsolutePath());
    }

    @Test
    void everyLimitIsOnWithAFiniteValue() throws Exception {
        PalisadeConfig c = minimal("127.0.0.1:9000", "");
        LimitsConfig l = c.limits();
        assertTrue(l.maxRequestLine() > 0 && l.maxHeaderSize() > 0 && l.maxHeaders() > 0, l.toString());
        assertTrue(l.maxBody() > 0, "a request body limit by default: " + l);
        assertTrue(l.maxRequestsPerConnection() > 0, l.toString());
        TimeoutsConfig t = c.timeouts();
        assertEquals(TimeoutsConfig.DEFAULTS, t);
        assertTrue(t.clientHeader().getSeconds() <= 60 && t.clientIdle().getSeconds() <= 300, t.toString());
        GuardConfig g = c.guard();
        assertTrue(g.enabled() && g.gate().enabled() && g.bans().enabled(), g.toString());
        assertTrue(g.gate().maxConnectionsPerAddress() > 0 && g.gate().newConnectionsPerSecond() > 0
                && g.gate().maxConnections() > 0 && g.gate().maxTrackedAddresses() > 0, g.gate().toString());
        assertTrue(g.slow().toString().length() > 0 && g.bans().maxEntries() > 0, g.toString());
        Http2Limits h2 = Http2Limits.DEFAULTS;
        assertTrue(h2.toString().length() > 0);
    }

    @Test
    void adminListensOnLoopbackOnly() throws Exception {
        PalisadeConfig c = minimal("127.0.0.1:9000", "");
        assertTrue(InetAddress.getByName(c.admin().bind().host()).isLoopbackAddress(), c.admin().toString());
        assertEquals(null, c.admin().token(), "no token configured: the admin calls are refused, not open");
    }

    @Test
    void noVersionInAnyHeaderOrPageAndTraceIsOff() throws Exception {
        try (TestOrigin origin = new TestOrigin("leaky");
             PalisadeServer proxy = PalisadeServer.start(minimal(origin.hostPort().toString(), "admin:\n  enabled: false\n"))) {
            int port = proxy.port("listener0");
            List<String[]> cases = List.of(
                    new String[] {"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", "200"},
                    new String[] {"GET /status/500 HTTP/1.1\r\nHost: x\r\n\r\n", "500"},
                    new String[] {"GET /close HTTP/1.1\r\nHost: x\r\n\r\n", "502"},
                    new String[] {"TRACE / HTTP/1.1\r\nHost: x\r\n\r\n", "405"},
                    new String[] {"GET / HTTP/1.1\r\nHost: x\r\nMax-Forwards: 0\r\nX-HTTP-Method-Override: TRACE\r\n\r\n", "405"},
                    new String[] {"GET /?q=%3Cscript%3Ealert(1)%3C/script%3E HTTP/1.1\r\nHost: x\r\n\r\n", "403"},
                    new String[] {"GET / HTTP/1.1\r\nHost : x\r\n\r\n", "400"},
                    new String[] {"GET / HTTP/1.2\r\nHost: x\r\n\r\n", "505"},
                    new String[] {"GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"});
            for (String[] c : cases) {
                String resp;
                try (RawClient client = new RawClient(port)) {
                    resp = client.send(c[0]).readResponse();
                }
                String first = c[0].substring(0, Math.min(40, c[0].indexOf('\r')));
                assertTrue(resp.startsWith("HTTP/1.1 " + c[1]), first + " -> " + resp);
                String lower = resp.toLowerCase(Locale.ROOT);
                int headEnd = resp.indexOf("\r\n\r\n");
                for (String line : resp.substring(0, headEnd).split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("server:")) {
                        assertEquals("Server: palisade", line, first);
                    }
                }
                assertFalse(VERSION.matcher(resp.substring(resp.indexOf("\r\n"))).find(), first + ": a version: " + resp);
                for (String word : List.of("netty", "java", "jdk", "test-origin", "testframework")) {
                    assertFalse(lower.contains(word), first + ": '" + word + "' in " + resp);
                }
            }
            assertTrue(origin.received().stream().noneMatch(r -> r.method().equals("TRACE")));
        }
    }
}
