package dev.palisade.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import io.netty.util.internal.PlatformDependent;

/**
 * The asynchronous hand-off of the access and security logs: an event loop puts the line into a
 * lock-free bounded queue and goes on, without waking anyone; one writer thread wakes every
 * {@link #setPeriodMillis period} (sooner when the queue fills past half, up to ten periods apart when
 * there was nothing to write), passes every queued line to the attached appenders and flushes them once
 * per batch. Compared with logback's {@code AsyncAppender}
 * this saves the event loop a futex wake-up per line and the writer a write system call per line, at
 * the price of a line reaching the file up to one period later.
 *
 * <p>Like {@code AsyncAppender} with {@code neverBlock}, a full queue drops the line rather than
 * delaying a request; stopping drains what is queued (within a second), then stops the attached
 * appenders. Attached {@link OutputStreamAppender}s should have {@code immediateFlush} off: this class
 * flushes them after each batch.
 */
public final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {

    private static final int MAX_BATCH = 4096;

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private int queueSize = 8192;
    private long periodNanos = TimeUnit.MILLISECONDS.toNanos(10);
    private Queue<ILoggingEvent> queue;
    private volatile Thread writer;
    private volatile boolean running;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** How long the writer sleeps between batches when nothing urges it. */
    public void setPeriodMillis(long millis) {
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (queueSize < 2) {
            addError("queueSize: " + queueSize + " (expected: >= 2)");
            return;
        }
        queue = PlatformDependent.newFixedMpscQueue(queueSize);
        running = true;
        Thread t = new Thread(this::writeLoop, "LogWriter-" + getName());
        t.setDaemon(true);
        writer = t;
        super.start();
        t.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!running) {
            return;
        }
        event.prepareForDeferredProcessing();
        if (!queue.offer(event)) {
            return; // full: drop rather than block an event loop
        }
        if (queue.size() > queueSize / 2) {
            // filling faster than the period drains it: write now rather than drop later
            LockSupport.unpark(writer);
        }
    }

    private void writeLoop() {
        long sleep = periodNanos;
        while (running) {
            // busy: one period between batches; idle: up to ten, so a quiet server is not woken 100 times a second
            sleep = drainAll() > 0 ? periodNanos : Math.min(sleep * 2, periodNanos * 10);
            LockSupport.parkNanos(this, sleep);
        }
        drainAll();
    }

    private int drainAll() {
        int total = 0;
        int n;
        do {
            n = drain();
            total += n;
        } while (n == MAX_BATCH);
        return total;
    }

    /** Passes the queued events on (at most one batch) and flushes; returns how many. */
    private int drain() {
        int n = 0;
        ILoggingEvent e;
        while (n < MAX_BATCH && (e = queue.poll()) != null) {
            appenders.appendLoopOnAppenders(e);
            n++;
        }
        if (n > 0) {
            flushAttached();
        }
        return n;
    }

    private void flushAttached() {
        for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext();) {
            if (it.next() instanceof OutputStreamAppender<?> out && !out.isImmediateFlush()) {
                OutputStream os = out.getOutputStream();
                if (os != null) {
                    try {
                        os.flush();
                    } catch (IOException ex) {
                        addError("flushing " + out.getName() + " failed", ex);
                    }
                }
            }
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        running = false;
        Thread t = writer;
        LockSupport.unpark(t);
        try {
            t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            addWarn("log writer " + t.getName() + " did not finish within a second; queued lines may be lost");
        }
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> newAppender) {
        appenders.addAppender(newAppender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
