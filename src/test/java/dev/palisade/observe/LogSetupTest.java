package dev.palisade.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.palisade.config.LogConfig;

/** log: destinations move the access and security logs to rolling files and back. */
class LogSetupTest {

    @Test
    void fileDestinationThroughAnAsyncAppenderAndBack(@TempDir Path dir) throws Exception {
        Logger security = (Logger) LoggerFactory.getLogger(LogSetup.SECURITY);
        Level before = security.getLevel();
        Path file = dir.resolve("logs/security.log");
        try {
            LogSetup.apply(new LogConfig("off", file.toString(), 1 << 20, 3, 8 << 20));
            security.setLevel(Level.INFO);
            assertTrue(security.getAppender(LogSetup.SECURITY + "-async") != null, "async appender in place");
            assertEquals(Level.OFF, ((Logger) LoggerFactory.getLogger(LogSetup.ACCESS)).getLevel());
            security.info("{\"event\":\"block\"}");
        } finally {
            LogSetup.apply(LogConfig.DEFAULTS);
            security.setLevel(before);
        }
        // stopping the async appender flushed its queue
        List<String> lines = Files.readAllLines(file);
        assertEquals(List.of("{\"event\":\"block\"}"), lines);
        assertEquals(null, security.getAppender(LogSetup.SECURITY + "-async"));
    }
}
