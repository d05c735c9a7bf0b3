package dev.palisade.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last few blocked requests, for the dashboard: a fixed ring written lock-free from any event loop.
 * Client values are cut to {@link #MAX_VALUE} characters when recorded; they are escaped when shown.
 */
final class RecentEvents {

    static final int MAX_VALUE = 256;

    /** One blocked request. */
    record Block(long timeMillis, String client, String rule, int status, String method, String host, String path) {}

    private final AtomicReferenceArray<Block> ring;
    private final AtomicLong next = new AtomicLong();

    RecentEvents(int size) {
        ring = new AtomicReferenceArray<>(size);
    }

    void add(long timeMillis, String client, String rule, int status, String method, String host, String path) {
        Block b = new Block(timeMillis, client, rule, status, cut(method), cut(host), cut(path));
        ring.set((int) (next.getAndIncrement() % ring.length()), b);
    }

    /** Newest first. */
    List<Block> list() {
        long end = next.get();
        List<Block> out = new ArrayList<>(ring.length());
        for (long i = end - 1; i >= 0 && i >= end - ring.length(); i--) {
            Block b = ring.get((int) (i % ring.length()));
            if (b != null) {
                out.add(b);
            }
        }
        return out;
    }

    private static String cut(String s) {
        return s == null ? "" : s.length() <= MAX_VALUE ? s : s.substring(0, MAX_VALUE);
    }
}
