package dev.palisade.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition that another thread makes true (a reload, a pushed ban, a health check). */
public final class Eventually {

    private static final Duration DEFAULT = Duration.ofSeconds(15);

    private Eventually() {
    }

    /** Whether {@code condition} held within 15 s, asked every 20 ms and once more at the end. */
    public static boolean holds(BooleanSupplier condition) throws InterruptedException {
        return within(DEFAULT, condition);
    }

    /** Whether {@code condition} held within {@code limit}, asked every 20 ms and once more at the end. */
    public static boolean within(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
