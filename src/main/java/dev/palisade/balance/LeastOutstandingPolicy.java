package dev.palisade.balance;

import java.util.concurrent.ThreadLocalRandom;

import dev.palisade.pipeline.Exchange;

/**
 * Least outstanding requests: the server with the fewest requests in flight per unit of weight wins
 * ({@code (inUse + 1) / weight}, as Envoy's least-request with weights). The scan starts at a random
 * server so ties spread instead of always landing on the first.
 */
final class LeastOutstandingPolicy implements Policy {

    @Override
    public int choose(Candidates c, Exchange ex) {
        int n = c.size();
        int start = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
        int best = -1;
        double bestScore = Double.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            if (!c.ok(i)) {
                continue;
            }
            double score = (c.origin(i).inUse() + 1) / c.weight(i);
            if (score < bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }
}
