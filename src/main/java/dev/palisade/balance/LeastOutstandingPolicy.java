package dev.palisade.balance;

import java.util.concurrent.ThreadLocalRandom;

import dev.palisade.pipeline.Exchange;

/**
 * Least outstanding requests: the server with the fewest requests in flight per unit of weight wins
 * ({@code (inUse + 1) / weight}, as Envoy's least-request with weights). Ties are broken at random
 * (reservoir sampling), so an idle group spreads evenly instead of always landing on the first server.
 */
final class LeastOutstandingPolicy implements Policy {

    @Override
    public int choose(Candidates c, Exchange ex) {
        int best = -1;
        int ties = 0;
        double bestScore = Double.MAX_VALUE;
        for (int i = 0; i < c.size(); i++) {
            if (!c.ok(i)) {
                continue;
            }
            double score = (c.origin(i).inUse() + 1) / c.weight(i);
            if (score < bestScore) {
                bestScore = score;
                best = i;
                ties = 1;
            } else if (score == bestScore && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                best = i;
            }
        }
        return best;
    }
}
