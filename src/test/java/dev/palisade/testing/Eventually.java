package dev.palisade.testing;

import java.util.function.BooleanSupplier;

/** Polls a condition that another thread makes true (a reload, a pushed ban, a health check), up to 15 s. */
public final class Eventually {

    private Eventually() {
    }

    /** Whether {@code condition} held within 15 s, asked every 20 ms and once more at the end. */
    public static boolean holds(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
