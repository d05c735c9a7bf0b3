package dev.palisade.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Counts blocks per client address for the dashboard's "top blocked" list. The addresses are what an
 * attacker chooses, so the table is a Caffeine cache with a maximum size: its frequency-based eviction
 * keeps the heavy hitters and drops one-off addresses, and memory stays bounded however many distinct
 * addresses are blocked. Counting is lock-free for an address already present.
 */
final class TopAddresses {

    /** One row of the list. */
    record Entry(String address, long count) {}

    private final Cache<String, LongAdder> counts;

    TopAddresses(int capacity) {
        counts = Caffeine.newBuilder().maximumSize(capacity).expireAfterAccess(Duration.ofHours(1)).build();
    }

    void add(String address) {
        counts.get(address, k -> new LongAdder()).increment();
    }

    /** The {@code n} addresses with the most blocks, most first. */
    List<Entry> top(int n) {
        PriorityQueue<Entry> heap = new PriorityQueue<>(n + 1, Comparator.comparingLong(Entry::count));
        counts.asMap().forEach((a, c) -> {
            heap.add(new Entry(a, c.sum()));
            if (heap.size() > n) {
                heap.poll();
            }
        });
        List<Entry> out = new ArrayList<>(heap);
        out.sort(Comparator.comparingLong(Entry::count).reversed().thenComparing(Entry::address));
        return out;
    }

    /** Addresses held (after pending evictions ran). */
    long size() {
        counts.cleanUp();
        return counts.estimatedSize();
    }
}
