package dev.palisade.observe;

import java.security.SecureRandom;

/**
 * Request ids: 16 hex characters, a random per-thread prefix and a counter, so ids are unique across
 * threads and restarts without a shared counter on the hot path. Clients see them on error pages and
 * quote them to the operator; origins get them as X-Request-Id.
 */
public final class RequestIds {

    private static final SecureRandom SEED = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static final ThreadLocal<long[]> STATE = ThreadLocal.withInitial(() -> new long[] {SEED.nextLong()});

    private RequestIds() {
    }

    public static String next() {
        long[] s = STATE.get();
        long v = s[0]++;
        // mix so consecutive ids do not look consecutive
        long x = v * 0x9E3779B97F4A7C15L;
        x ^= x >>> 29;
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (x & 0xf)];
            x >>>= 4;
        }
        return new String(out);
    }
}
