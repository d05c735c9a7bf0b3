package dev.palisade.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Outcome;

/** A log-forging attempt in a header gives one well-formed access-log line. */
class AccessLogTest {

    @Test
    void crlfAndQuotesInAHeaderStayInsideOneLine() {
        Logger logger = (Logger) LoggerFactory.getLogger("palisade.access");
        Level before = logger.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        logger.addAppender(captured);
        logger.setLevel(Level.INFO);
        try {
            String ua = "curl\r\n{\"time\":\"forged\",\"status\":200}\n\"";
            Exchange ex = Exchanges.of("192.0.2.44", "http", "GET", "/p?q=\"x\"", Map.of("User-Agent", ua));
            new AccessLog().onComplete(ex, new Outcome(200, 0, 5, 1000, "10.0.0.1:80", "", ""));
            assertEquals(1, captured.list.size());
            String line = captured.list.get(0).getFormattedMessage();
            assertFalse(line.contains("\n") || line.contains("\r"), line);
            Map<String, Object> j = MiniJson.object(line);
            assertEquals(ua, j.get("user_agent"));
            assertEquals(200.0, j.get("status"));
            assertEquals("q=\"x\"", j.get("query"));
        } finally {
            logger.detachAppender(captured);
            logger.setLevel(before);
        }
    }
}
