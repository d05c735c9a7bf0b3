package dev.palisade.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Outcome;

/** A log-forging attempt in a header gives one well-formed access-log line; lines never share fields. */
class AccessLogTest {

    @Test
    void crlfAndQuotesInAHeaderStayInsideOneLine() {
        String ua = "curl\r\n{\"time\":\"forged\",\"status\":200}\n\"";
        List<String> lines = logged(() -> {
            Exchange ex = Exchanges.of("192.0.2.44", "http", "GET", "/p?q=\"x\"", Map.of("User-Agent", ua));
            new AccessLog().onComplete(ex, new Outcome(200, 0, 5, 1000, "10.0.0.1:80", "", ""));
        });
        assertEquals(1, lines.size());
        String line = lines.get(0);
        assertFalse(line.contains("\n") || line.contains("\r"), line);
        Map<String, Object> j = MiniJson.object(line);
        assertEquals(ua, j.get("user_agent"));
        assertEquals(200.0, j.get("status"));
        assertEquals("q=\"x\"", j.get("query"));
    }

    /** Lines built one after another on one thread (one reused buffer) hold only their own fields. */
    @Test
    void consecutiveLinesOnOneThreadAreIndependent() {
        String longUa = "\n".repeat(JsonLine.MAX_VALUE); // escaped to 4 KiB: grows the buffer past what is kept
        List<String> lines = logged(() -> {
            AccessLog log = new AccessLog();
            log.onComplete(Exchanges.of("192.0.2.1", "http", "GET", "/first", Map.of("User-Agent", longUa)),
                    new Outcome(403, 0, 10, 1000, "", "rules", "942100"));
            log.onComplete(Exchanges.of("192.0.2.2", "http", "POST", "/second", Map.of()),
                    new Outcome(200, 7, 20, 2000, "10.0.0.1:80", "", ""));
            log.onComplete(Exchanges.of("192.0.2.3", "http", "GET", "/third", Map.of("User-Agent", "ua3")),
                    new Outcome(204, 0, 0, 3000, "10.0.0.1:80", "", ""));
        });
        assertEquals(3, lines.size());
        Map<String, Object> first = MiniJson.object(lines.get(0));
        Map<String, Object> second = MiniJson.object(lines.get(1));
        Map<String, Object> third = MiniJson.object(lines.get(2));
        assertEquals("rules", first.get("decided_by"));
        assertEquals(longUa, first.get("user_agent"));
        assertEquals("/second", second.get("path"));
        assertEquals(200.0, second.get("status"));
        assertFalse(second.containsKey("user_agent") || second.containsKey("decided_by"), second.toString());
        assertEquals("/third", third.get("path"));
        assertEquals("ua3", third.get("user_agent"));
        assertEquals(Instant.parse((String) third.get("time")).toString(), third.get("time"));
    }

    /** The access-log lines {@code body} writes. */
    private static List<String> logged(Runnable body) {
        Logger logger = (Logger) LoggerFactory.getLogger("palisade.access");
        Level before = logger.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        logger.setLevel(Level.INFO);
        try {
            body.run();
            return captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        } finally {
            logger.detachAppender(captured);
            logger.setLevel(before);
        }
    }
}
