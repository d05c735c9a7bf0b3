package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.HostPort;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.config.RulesConfig;
import dev.palisade.testing.RawClient;
import dev.palisade.testing.TestOrigin;

/** The shipped rules in front of a real origin: attacks never reach it, ordinary requests do. */
@Timeout(60)
class RulesInProxyTest {

    private static PalisadeConfig config(TestOrigin origin, Path rules) {
        return PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(origin.hostPort()))
                .withRules(new RulesConfig(rules, "block"));
    }

    @Test
    void shippedRulesBlockAttacksAndPassOrdinaryTraffic() throws Exception {
        try (TestOrigin origin = new TestOrigin();
             PalisadeServer proxy = PalisadeServer.start(config(origin, Path.of("rules")))) {
            int port = proxy.port("http");
            try (RawClient c = new RawClient(port)) {
                String sqli = c.send("GET /search?q=1%27%20OR%20%271%27%3D%271 HTTP/1.1\r\nHost: shop.example\r\n"
                        + "User-Agent: Mozilla/5.0\r\n\r\n").readResponse();
                assertTrue(sqli.startsWith("HTTP/1.1 403"), sqli);
                assertFalse(sqli.toLowerCase().contains("sql"), "the reason stays in the log: " + sqli);
                String git = c.send("GET /.git/config HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: Mozilla/5.0\r\n\r\n").readResponse();
                assertTrue(git.startsWith("HTTP/1.1 404"), "sensitive files look absent: " + git);
                String ok = c.send("GET /search?q=O%27Brien%20select%20union HTTP/1.1\r\nHost: shop.example\r\n"
                        + "User-Agent: Mozilla/5.0\r\n\r\n").readResponse();
                assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
            }
            try (RawClient c = new RawClient(port)) {
                String body = "user=x%27%20or%20%27x%27%3D%27x&pass=y";
                String resp = c.send("POST /login HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: Mozilla/5.0\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .readResponse();
                assertTrue(resp.startsWith("HTTP/1.1 403"), "a rule reading the body blocks it: " + resp);
            }
            try (RawClient c = new RawClient(port)) {
                String body = "user=alice&pass=" + "p".repeat(40000);
                String resp = c.send("POST /login HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: Mozilla/5.0\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .readResponse();
                assertTrue(resp.startsWith("HTTP/1.1 200"), resp);
            }
            assertEquals(2, origin.received().size(), "only the ordinary requests reached the origin");
            assertEquals(16 + 40000, origin.received().get(1).bodyBytes(), "the held body prefix and the rest arrive whole");
        }
    }

    @Test
    void detectModeLogsButForwards(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("10-x.rules"), "rule 9001 \"marker\"\n  when path contains \"/attack\"\n  then block\n");
        try (TestOrigin origin = new TestOrigin();
             PalisadeServer proxy = PalisadeServer.start(config(origin, dir).withRules(new RulesConfig(dir, "detect")))) {
            try (RawClient c = new RawClient(proxy.port("http"))) {
                assertTrue(c.send("GET /attack HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().startsWith("HTTP/1.1 200"));
            }
        }
    }

    @Test
    void brokenRuleFileRefusesToStartWithItsLocation(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("10-bad.rules"), "rule 1 \"x\"\n  when nosuchfield contains \"a\"\n  then block\n");
        try (TestOrigin origin = new TestOrigin()) {
            StartException e = org.junit.jupiter.api.Assertions.assertThrows(StartException.class,
                    () -> PalisadeServer.start(config(origin, dir)));
            assertTrue(e.getMessage().contains("10-bad.rules:2"), e.getMessage());
        }
    }
}
