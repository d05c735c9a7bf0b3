package dev.palisade.balance;

import dev.palisade.pipeline.Exchange;

/**
 * Smooth weighted round robin, nginx's algorithm: every eligible server's current weight grows by its
 * weight, the largest wins and pays back the total. Weights 5:1:1 give a a b a c a a rather than
 * a a a a a b c. Servers that are not eligible sit the round out, so the others keep their order.
 *
 * <p>Each event loop keeps its own current weights (as each nginx worker does), so picking takes no
 * lock and the proportions hold per loop and therefore overall.
 */
final class RoundRobinPolicy implements Policy {

    private final ThreadLocal<long[]> current;

    RoundRobinPolicy(int size) {
        this.current = ThreadLocal.withInitial(() -> new long[size]);
    }

    @Override
    public int choose(Candidates c, Exchange ex) {
        long[] cur = current.get();
        int best = -1;
        long total = 0;
        for (int i = 0; i < cur.length; i++) {
            if (!c.ok(i)) {
                continue;
            }
            long w = Math.max(1, Math.round(c.weight(i) * 1000));
            cur[i] += w;
            total += w;
            if (best < 0 || cur[i] > cur[best]) {
                best = i;
            }
        }
        if (best >= 0) {
            cur[best] -= total;
        }
        return best;
    }
}
