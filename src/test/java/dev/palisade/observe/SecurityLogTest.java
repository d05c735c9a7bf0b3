package dev.palisade.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Outcome;

/** One well-formed JSON line per security event, whatever the client sent. */
class SecurityLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("palisade.security");
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private Level before;

    @BeforeEach
    void capture() {
        before = logger.getLevel();
        logger.setLevel(Level.INFO);
        captured.start();
        logger.addAppender(captured);
    }

    @AfterEach
    void release() {
        logger.detachAppender(captured);
        logger.setLevel(before);
    }

    private List<String> lines() {
        return captured.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    @Test
    void aForgedHeaderCannotBreakOrForgeTheLine() {
        String forged = "x\"}\r\n{\"event\":\"forged\",\"client\":\"1.2.3.4\"} \u2028<script>alert(1)</script>";
        Exchange ex = Exchanges.refusedByStage("203.0.113.5", "/a%0d%0ab?q=\"", "RuleStage",
                Map.of("User-Agent", forged, "Host", "evil\"host"));
        SecurityLog.note(ex, SecurityEvent.block("941100", "XSS \"attack\"", "header.user-agent", forged));
        new SecurityLog().onComplete(ex, new Outcome(403, 0, 0, 1000, "", "941100", "XSS"));

        List<String> lines = lines();
        assertEquals(1, lines.size(), "the noted event stands for the block: " + lines);
        String line = lines.get(0);
        assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u2028"), line);
        Map<String, Object> j = MiniJson.object(line);
        assertEquals("block", j.get("event"));
        assertEquals("941100", j.get("rule"));
        assertEquals("203.0.113.5", j.get("client"));
        assertEquals(forged, j.get("user_agent"), "the header survives intact inside its own field");
        assertEquals("header.user-agent", j.get("field"));
        String value = (String) j.get("value");
        assertFalse(value.contains("<script>"), "matched value is HTML-encoded for viewers: " + value);
        assertTrue(value.contains("&lt;script&gt;"), value);
        assertEquals(403.0, j.get("status"));
        assertEquals(ex.requestId(), j.get("id"));
    }

    @Test
    void blockWithoutNotedEventAndRateLimitAndDetection() {
        new SecurityLog().onComplete(Exchanges.refusedByStage("192.0.2.1", "/.git/config", "RuleStage", Map.of()),
                new Outcome(403, 0, 0, 1, "", "930130", "sensitive file"));
        new SecurityLog().onComplete(Exchanges.refusedByStage("192.0.2.1", "/login", "RateLimitStage", Map.of()),
                new Outcome(429, 0, 0, 1, "", "login", "over limit"));
        Exchange passed = Exchanges.of("192.0.2.1", "http", "GET", "/", Map.of());
        SecurityLog.note(passed, SecurityEvent.detect("913100", "scanner", "header.user-agent", "nikto"));
        new SecurityLog().onComplete(passed, new Outcome(200, 0, 0, 1, "10.0.0.1:80", "", ""));
        new SecurityLog().onComplete(Exchanges.of("192.0.2.1", "http", "GET", "/", Map.of()),
                new Outcome(400, 0, 0, 1, "", "BAD_REQUEST", "framing"));
        new SecurityLog().onComplete(Exchanges.refusedByStage("192.0.2.1", "/cart", "HttpsRedirect", Map.of()),
                new Outcome(308, 0, 0, 1, "", "https-redirect", "plain HTTP redirected to HTTPS"));

        List<String> lines = lines();
        assertEquals(3, lines.size(), "a framing refusal or an HTTPS redirect is in the access log, not a security event: "
                + lines);
        assertEquals("block", MiniJson.object(lines.get(0)).get("event"));
        assertEquals("sensitive file", MiniJson.object(lines.get(0)).get("message"));
        assertEquals("rate_limit", MiniJson.object(lines.get(1)).get("event"));
        assertEquals("login", MiniJson.object(lines.get(1)).get("rule"));
        assertEquals("detect", MiniJson.object(lines.get(2)).get("event"));
    }

    @Test
    void bansAndAdminRefusals() {
        SecurityLog.ban("198.51.100.9", "connection_rate", "flood", Duration.ofMinutes(10), 2);
        SecurityLog.adminAuthFailure("127.0.0.1", "POST", "/admin/reload\r\nX: y", "wrong token");
        List<String> lines = lines();
        assertEquals(2, lines.size());
        Map<String, Object> ban = MiniJson.object(lines.get(0));
        assertEquals("ban", ban.get("event"));
        assertEquals(600.0, ban.get("duration_s"));
        assertEquals("connection_rate", ban.get("cause"));
        Map<String, Object> admin = MiniJson.object(lines.get(1));
        assertEquals("admin_auth", admin.get("event"));
        assertEquals("/admin/reload\r\nX: y", admin.get("path"));
    }
}
