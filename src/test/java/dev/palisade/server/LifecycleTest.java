package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.palisade.config.HostPort;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.testing.RawClient;
import dev.palisade.testing.TestOrigin;

@Timeout(60)
class LifecycleTest {

    @Test
    void shutdownLetsInFlightRequestsFinishAndClosesIdleOnes() throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            PalisadeServer proxy = PalisadeServer.start(PalisadeConfig.simple(new HostPort("127.0.0.1", 0),
                    List.of(origin.hostPort())));
            int port = proxy.port("http");
            try (RawClient busy = new RawClient(port); RawClient idle = new RawClient(port)) {
                assertTrue(idle.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().startsWith("HTTP/1.1 200"));
                busy.send("GET /delay?ms=800 HTTP/1.1\r\nHost: x\r\n\r\n");
                Thread.sleep(200);
                CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> proxy.shutdown(Duration.ofSeconds(5)));
                String answer = busy.readResponse();
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                assertTrue(answer.toLowerCase().contains("connection: close"), "the last answer says the connection closes");
                assertTrue(answer.endsWith("late /delay?ms=800"), answer);
                assertTrue(idle.closedByServer(), "an idle keep-alive connection is closed at once");
                stop.get(10, TimeUnit.SECONDS);
                assertThrows(IOException.class, () -> new RawClient(port), "no new connections after shutdown");
            }
        }
    }

    @Test
    void everyRequestGetsOneAccessLogLineEvenWhenRefused() throws Exception {
        Logger access = (Logger) LoggerFactory.getLogger("palisade.access");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Level before = access.getLevel();
        access.setLevel(Level.INFO);
        access.addAppender(lines);
        try (TestOrigin origin = new TestOrigin();
             PalisadeServer proxy = PalisadeServer.start(PalisadeConfig.simple(new HostPort("127.0.0.1", 0),
                     List.of(origin.hostPort())))) {
            int port = proxy.port("http");
            try (RawClient c = new RawClient(port)) {
                c.send("GET /ok?a=%22quote%22 HTTP/1.1\r\nHost: x\r\nUser-Agent: evil\"},{\"forged\":1\\\r\n\r\n").readResponse();
            }
            try (RawClient c = new RawClient(port)) {
                c.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").readUntilClose();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (lines.list.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(2, lines.list.size());
            String ok = lines.list.get(0).getFormattedMessage();
            assertTrue(ok.contains("\"status\":200") && ok.contains("\"origin\":\"127.0.0.1:" + origin.port() + "\""), ok);
            assertTrue(ok.contains("evil\\\"},{\\\"forged\\\":1\\\\\""), "client values are escaped: " + ok);
            assertEquals(-1, ok.indexOf('\n'));
            String refused = lines.list.get(1).getFormattedMessage();
            assertTrue(refused.contains("\"status\":400") && refused.contains("\"decided_by\":\"BAD_REQUEST\""), refused);
        } finally {
            access.detachAppender(lines);
            access.setLevel(before);
        }
    }

    @Test
    void reloadSwapsRulesAndRefusesABrokenFileWithoutChangingAnything(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path rules = dir.resolve("10-site.rules");
        java.nio.file.Files.writeString(rules, "rule 9001 \"first\"\n  when path contains \"/one\"\n  then block\n");
        try (TestOrigin origin = new TestOrigin()) {
            PalisadeConfig cfg = PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(origin.hostPort()))
                    .withRules(new dev.palisade.config.RulesConfig(dir, "block"));
            try (PalisadeServer proxy = PalisadeServer.start(cfg); RawClient c = new RawClient(proxy.port("http"))) {
                assertTrue(c.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().startsWith("HTTP/1.1 403"));
                java.nio.file.Files.writeString(rules, "rule 9002 \"second\"\n  when path contains \"/two\"\n  then block\n");
                proxy.reload(cfg);
                assertTrue(c.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().startsWith("HTTP/1.1 200"),
                        "the same keep-alive connection sees the new rules");
                assertTrue(c.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().startsWith("HTTP/1.1 403"));
                java.nio.file.Files.writeString(rules, "rule 9003 \"broken\"\n  when nosuch contains \"x\"\n  then block\n");
                assertThrows(dev.palisade.config.ConfigException.class, () -> proxy.reload(cfg));
                assertTrue(c.send("GET /two HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().startsWith("HTTP/1.1 403"),
                        "a refused reload leaves the running rules in place");
            }
        }
    }
}
