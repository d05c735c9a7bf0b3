package dev.palisade.balance;

import java.util.Arrays;

/**
 * A consistent-hash ring (Ketama style): each server owns {@code 100 * weight} points (fewer per unit
 * of weight when the total would pass {@link #MAX_POINTS}), a key belongs
 * to the first point at or after its hash. Removing one of N servers moves only the keys that server
 * owned, about 1/N of them; the others stay where they were. Immutable.
 */
final class HashRing {

    static final int POINTS_PER_WEIGHT = 100;
    /** Bounds the ring's memory when weights are large: points per unit of weight shrink to fit. */
    static final int MAX_POINTS = 200_000;

    private final long[] points;
    private final int[] owners;

    HashRing(String[] ids, int[] weights) {
        long weightSum = 0;
        for (int w : weights) {
            weightSum += w;
        }
        int perWeight = (int) Math.max(1, Math.min(POINTS_PER_WEIGHT, MAX_POINTS / Math.max(1, weightSum)));
        int total = 0;
        for (int w : weights) {
            total += perWeight * w;
        }
        long[] p = new long[total];
        int[] o = new int[total];
        int k = 0;
        for (int i = 0; i < ids.length; i++) {
            for (int v = 0; v < perWeight * weights[i]; v++) {
                p[k] = hash(ids[i] + "#" + v);
                o[k] = i;
                k++;
            }
        }
        // sort points, carrying their owners along
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compareUnsigned(p[x], p[y]));
        points = new long[total];
        owners = new int[total];
        for (int i = 0; i < total; i++) {
            points[i] = p[order[i]];
            owners[i] = o[order[i]];
        }
    }

    /** The first server at or after {@code keyHash} on the ring that {@code c} accepts, or -1. */
    int owner(long keyHash, Candidates c) {
        int n = points.length;
        if (n == 0) {
            return -1;
        }
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(points[mid], keyHash) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int k = 0; k < n; k++) {
            int idx = lo + k;
            int owner = owners[idx >= n ? idx - n : idx];
            if (c.ok(owner)) {
                return owner;
            }
        }
        return -1;
    }

    /** 64-bit FNV-1a over the UTF-16 code units, finished with MurmurHash3's fmix64 for good spread. */
    static long hash(CharSequence s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            h ^= ch & 0xff;
            h *= 0x100000001b3L;
            h ^= ch >>> 8;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
