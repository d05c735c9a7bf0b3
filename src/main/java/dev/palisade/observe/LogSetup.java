package dev.palisade.observe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;

import dev.palisade.config.LogConfig;

/**
 * Points the {@code palisade.access} and {@code palisade.security} loggers where {@code log:} says.
 * {@code stdout} keeps the appenders of logback.xml (each log through its own asynchronous appender);
 * {@code off} silences the logger; a path writes a rolling file (rolled daily and at
 * {@code max_file_size}, gzipped, kept {@code max_history} days within {@code total_size_cap}) through
 * a {@link BatchingAppender}, so an event loop never waits on the disk: when the queue is full a line is
 * dropped rather than a request delayed.
 *
 * <p>Called at start and on every reload; a destination that did not change is left alone.
 */
public final class LogSetup {

    public static final String ACCESS = "palisade.access";
    public static final String SECURITY = "palisade.security";

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(LogSetup.class);
    private static final Map<String, State> STATES = new HashMap<>();

    /** What logback.xml gave a logger, and what this class put in its place. */
    private static final class State {
        final List<Appender<ILoggingEvent>> original = new ArrayList<>();
        final Level originalLevel;
        String applied = "stdout";
        BatchingAppender ours;

        State(Logger logger) {
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext();) {
                original.add(it.next());
            }
            originalLevel = logger.getLevel();
        }
    }

    private LogSetup() {
    }

    public static synchronized void apply(LogConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        configure(ctx, ACCESS, config.access(), config);
        configure(ctx, SECURITY, config.security(), config);
    }

    /**
     * At process exit, after the last request: stops logging, which writes out the lines the batching
     * appenders still hold (they write every few milliseconds, so the last ones would otherwise be lost
     * with the process).
     */
    public static synchronized void stopAtExit() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.stop();
        }
    }

    private static void configure(LoggerContext ctx, String name, String destination, LogConfig config) {
        Logger logger = ctx.getLogger(name);
        State st = STATES.computeIfAbsent(name, n -> new State(logger));
        String key = LogConfig.isFile(destination)
                ? destination + "|" + config.maxFileSize() + "|" + config.maxHistory() + "|" + config.totalSizeCap()
                : destination;
        if (key.equals(st.applied)) {
            return;
        }
        if (st.ours != null) {
            logger.detachAppender(st.ours);
            st.ours.stop();
            st.ours = null;
        }
        st.original.forEach(logger::detachAppender);
        if (st.applied.equals("off")) {
            logger.setLevel(st.originalLevel);
        }
        if (destination.equals("off")) {
            logger.setLevel(Level.OFF);
        } else if (destination.equals("stdout")) {
            st.original.forEach(logger::addAppender);
        } else {
            BatchingAppender async = rollingFile(ctx, name, destination, config);
            if (async == null) {
                log.error("log: cannot write {} to {}; it goes to stdout", name, destination);
                st.original.forEach(logger::addAppender);
                st.applied = "stdout";
                return;
            }
            logger.addAppender(async);
            st.ours = async;
        }
        st.applied = key;
    }

    private static BatchingAppender rollingFile(LoggerContext ctx, String name, String path, LogConfig config) {
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(ctx);
        file.setName(name + "-file");
        file.setFile(path);
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(ctx);
        policy.setParent(file);
        policy.setFileNamePattern(path + ".%d{yyyy-MM-dd}.%i.gz");
        policy.setMaxFileSize(new FileSize(config.maxFileSize()));
        policy.setMaxHistory(config.maxHistory());
        policy.setTotalSizeCap(new FileSize(config.totalSizeCap()));
        file.setRollingPolicy(policy);
        policy.start();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%msg%n");
        encoder.start();
        file.setEncoder(encoder);
        file.setImmediateFlush(false); // the batching appender flushes once per batch
        file.start();
        if (!file.isStarted()) {
            return null;
        }
        BatchingAppender async = new BatchingAppender();
        async.setContext(ctx);
        async.setName(name + "-async");
        async.setQueueSize(8192);
        async.addAppender(file);
        async.start();
        return async;
    }
}
