package dev.palisade.guard.slow;

import java.util.concurrent.atomic.LongAdder;

/** Counters for the slow-client handlers, shared by every connection. */
public final class SlowClientStats {

    final LongAdder bodyTooSlow = new LongAdder();
    final LongAdder slowReaders = new LongAdder();

    /** Connections cut for a request body under the minimum rate. */
    public long bodyTooSlow() {
        return bodyTooSlow.sum();
    }

    /** Connections reset for not reading their responses. */
    public long slowReaders() {
        return slowReaders.sum();
    }
}
