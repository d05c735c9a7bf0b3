package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ExpiryBudgetTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final ExpiryBudget budget = new ExpiryBudget(now::get);

    @Test
    void actsOnTheBudgetPerWindowAndPutsTheRestOff() {
        for (int i = 0; i < ExpiryBudget.PER_WINDOW; i++) {
            assertTrue(budget.take(), "deadline " + i + " of the window");
        }
        assertFalse(budget.take(), "one over the budget waits");
        now.addAndGet(ExpiryBudget.WINDOW_NANOS - 1);
        assertFalse(budget.take(), "still the same window");
        now.addAndGet(1);
        assertTrue(budget.take(), "a new window, a new budget");
    }

    @Test
    void eachThreadHasABudgetOfItsOwn() throws Exception {
        for (int i = 0; i < ExpiryBudget.PER_WINDOW; i++) {
            budget.take();
        }
        assertFalse(budget.take());
        int[] granted = new int[1];
        Thread other = new Thread(() -> {
            for (int i = 0; i < ExpiryBudget.PER_WINDOW + 5; i++) {
                granted[0] += budget.take() ? 1 : 0;
            }
        });
        other.start();
        other.join();
        assertEquals(ExpiryBudget.PER_WINDOW, granted[0]);
    }

    @Test
    void aClockBeforeItsFirstReadingStillStartsAWindow() {
        AtomicLong negative = new AtomicLong(Long.MIN_VALUE + 1);
        ExpiryBudget b = new ExpiryBudget(negative::get);
        assertTrue(b.take());
    }
}
