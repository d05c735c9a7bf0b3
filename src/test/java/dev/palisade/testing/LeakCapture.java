package dev.palisade.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * Collects the reports of Netty's leak detector (logged at ERROR by ResourceLeakDetector), so
 * {@link LeakCheckExtension} can fail the test class that leaked. Wired in logback-test.xml.
 */
public final class LeakCapture extends AppenderBase<ILoggingEvent> {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
        if (e.getFormattedMessage().contains("LEAK")) {
            LEAKS.add(e.getFormattedMessage());
        }
    }

    static List<String> drain() {
        List<String> out = List.copyOf(LEAKS);
        LEAKS.clear();
        return out;
    }
}
