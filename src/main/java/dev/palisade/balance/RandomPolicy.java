package dev.palisade.balance;

import java.util.concurrent.ThreadLocalRandom;

import dev.palisade.pipeline.Exchange;

/** Weighted random: each eligible server with probability proportional to its (slow-start) weight. */
final class RandomPolicy implements Policy {

    @Override
    public int choose(Candidates c, Exchange ex) {
        double total = 0;
        for (int i = 0; i < c.size(); i++) {
            if (c.ok(i)) {
                total += c.weight(i);
            }
        }
        if (total <= 0) {
            return -1;
        }
        double x = ThreadLocalRandom.current().nextDouble(total);
        int last = -1;
        for (int i = 0; i < c.size(); i++) {
            if (c.ok(i)) {
                last = i;
                x -= c.weight(i);
                if (x < 0) {
                    return i;
                }
            }
        }
        return last;
    }
}
