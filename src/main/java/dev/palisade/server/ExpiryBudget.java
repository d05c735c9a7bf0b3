package dev.palisade.server;

import java.util.function.LongSupplier;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * How many connection deadlines an event loop acts on per millisecond. Netty runs every scheduled task that
 * is due before it reads sockets again, so two thousand slowloris connections opened within a second reach
 * their header deadline within a second too, and answering each with a 408 (a write and a close, about
 * 80 us) would hold every other connection's reads on that loop back for a tenth of a second. Past the
 * budget a deadline is put off by a millisecond: the loop reads sockets in between, and the late ones are
 * acted on a few milliseconds later instead of all at once.
 *
 * <p>One count per event-loop thread, so no locking; the clock is injectable for tests.
 */
final class ExpiryBudget {

    /** Deadlines acted on per event loop per window. */
    static final int PER_WINDOW = 16;

    /** The window, and how far a deadline over the budget is put off. */
    static final long WINDOW_NANOS = 1_000_000L;

    private static final ExpiryBudget SHARED = new ExpiryBudget(System::nanoTime);

    private final LongSupplier clock;
    private final FastThreadLocal<long[]> window = new FastThreadLocal<>() {
        @Override
        protected long[] initialValue() {
            return new long[] {Long.MIN_VALUE, 0};
        }
    };

    ExpiryBudget(LongSupplier clock) {
        this.clock = clock;
    }

    /** The budget of the event loops of this process. */
    static ExpiryBudget shared() {
        return SHARED;
    }

    /** Whether the calling thread may act on a deadline now; false: put it off by {@link #WINDOW_NANOS}. */
    boolean take() {
        long[] w = window.get();
        long now = clock.getAsLong();
        if (w[0] == Long.MIN_VALUE || now - w[0] >= WINDOW_NANOS) {
            w[0] = now;
            w[1] = 0;
        }
        return ++w[1] <= PER_WINDOW;
    }
}
