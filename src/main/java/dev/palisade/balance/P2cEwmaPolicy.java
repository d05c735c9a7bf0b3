package dev.palisade.balance;

import java.util.concurrent.ThreadLocalRandom;

import dev.palisade.pipeline.Exchange;

/**
 * Power of two choices over a peak-EWMA cost (Finagle's and Linkerd's balancer): two distinct eligible
 * servers are drawn at random and the one with the lower {@code latency * (inUse + 1) / weight} wins.
 * A server made slow is rarely the cheaper of the two, yet still gets probed once its estimate decays.
 */
final class P2cEwmaPolicy implements Policy {

    @Override
    public int choose(Candidates c, Exchange ex) {
        int n = c.size();
        int eligible = 0;
        for (int i = 0; i < n; i++) {
            if (c.ok(i)) {
                eligible++;
            }
        }
        if (eligible == 0) {
            return -1;
        }
        if (eligible == 1) {
            return nth(c, 0);
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int a = r.nextInt(eligible);
        int b = r.nextInt(eligible - 1);
        if (b >= a) {
            b++;
        }
        int ia = nth(c, a);
        int ib = nth(c, b);
        long now = c.now();
        return cost(c, ia, now) <= cost(c, ib, now) ? ia : ib;
    }

    private static double cost(Candidates c, int i, long now) {
        Origin o = c.origin(i);
        return o.latency.get(now) * (o.inUse() + 1) / c.weight(i);
    }

    /** The index of the k-th eligible server. */
    private static int nth(Candidates c, int k) {
        for (int i = 0; i < c.size(); i++) {
            if (c.ok(i) && k-- == 0) {
                return i;
            }
        }
        return -1;
    }
}
