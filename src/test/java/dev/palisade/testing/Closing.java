package dev.palisade.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a full-stack test starts (origins, proxies, clients), closed after each test in the reverse order of
 * starting, so a test never leaves a port bound or a thread running for the next one. Register it as a field:
 * {@code @RegisterExtension final Closing closing = new Closing();} then {@code proxy = closing.add(...)}.
 */
public final class Closing implements AfterEachCallback {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Keeps {@code resource} to close after the test; returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        started.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
