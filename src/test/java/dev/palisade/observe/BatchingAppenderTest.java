package dev.palisade.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.AppenderBase;

/** The batched log hand-off: every line arrives in order, is flushed without a stop, and a full queue drops. */
class BatchingAppenderTest {

    private final LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();

    private LoggingEvent event(String msg) {
        return new LoggingEvent("test", ctx.getLogger("palisade.access"), Level.INFO, msg, null, null);
    }

    private BatchingAppender batching(int queueSize, long periodMillis) {
        BatchingAppender b = new BatchingAppender();
        b.setContext(ctx);
        b.setName("test-async");
        b.setQueueSize(queueSize);
        b.setPeriodMillis(periodMillis);
        return b;
    }

    @Test
    @Timeout(10)
    void linesReachTheFileInOrderAndAreFlushedPerBatch(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%msg%n");
        enc.start();
        FileAppender<ILoggingEvent> out = new FileAppender<>();
        out.setContext(ctx);
        out.setFile(file.toString());
        out.setEncoder(enc);
        out.setImmediateFlush(false);
        out.start();
        BatchingAppender b = batching(1024, 5);
        b.addAppender(out);
        b.start();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            b.doAppend(event("line " + i));
            expected.add("line " + i);
        }
        // flushed by the writer without a stop: the file fills while the appender still runs
        while (Files.readAllLines(file).size() < 300) {
            Thread.sleep(5);
        }
        assertEquals(expected, Files.readAllLines(file));
        b.stop();
        assertTrue(!out.isStarted(), "stopping stops the attached appender");
    }

    @Test
    @Timeout(10)
    void aFullQueueDropsAndStopDrainsTheRest() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> got = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> slow = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                got.add(e.getFormattedMessage());
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        slow.setContext(ctx);
        slow.start();
        BatchingAppender b = batching(4, 1);
        b.addAppender(slow);
        b.start();
        b.doAppend(event("e0"));
        entered.await(); // the writer holds e0 and writes nothing more until released
        for (int i = 1; i < 10; i++) {
            b.doAppend(event("e" + i));
        }
        release.countDown();
        b.stop();
        assertEquals(List.of("e0", "e1", "e2", "e3", "e4"), got);
        b.doAppend(event("after stop"));
        assertEquals(5, got.size());
        assertTrue(!slow.isStarted(), "stopping stops the attached appender");
    }
}
