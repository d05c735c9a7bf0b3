package dev.palisade.guard.flood;

import java.net.InetAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

import dev.palisade.config.Cidr;

/**
 * An immutable set of address blocks with a lookup that costs one hash probe per distinct prefix length,
 * so a deny file with many thousands of entries stays cheap on the accept path.
 */
public final class AddressSet {

    public static final AddressSet EMPTY = new AddressSet(java.util.List.of());

    private record V6(long hi, long lo) {}

    private final int[] v4Prefixes;
    private final Set<Integer>[] v4;
    private final int[] v6Prefixes;
    private final Set<V6>[] v6;
    private final int size;

    @SuppressWarnings("unchecked")
    public AddressSet(Collection<Cidr> blocks) {
        TreeMap<Integer, Set<Integer>> four = new TreeMap<>();
        TreeMap<Integer, Set<V6>> six = new TreeMap<>();
        for (Cidr c : blocks) {
            byte[] n = c.network();
            if (n.length == 4) {
                four.computeIfAbsent(c.prefix(), k -> new HashSet<>()).add(v4(n));
            } else {
                six.computeIfAbsent(c.prefix(), k -> new HashSet<>()).add(v6(n, c.prefix()));
            }
        }
        v4Prefixes = four.keySet().stream().mapToInt(Integer::intValue).toArray();
        v4 = (Set<Integer>[]) four.values().toArray(new Set<?>[0]);
        v6Prefixes = six.keySet().stream().mapToInt(Integer::intValue).toArray();
        v6 = (Set<V6>[]) six.values().toArray(new Set<?>[0]);
        size = blocks.size();
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The number of blocks given, duplicates included. */
    public int size() {
        return size;
    }

    public boolean contains(InetAddress address) {
        if (size == 0) {
            return false;
        }
        byte[] a = address.getAddress();
        if (a.length == 4) {
            int ip = v4(a);
            for (int i = 0; i < v4Prefixes.length; i++) {
                int p = v4Prefixes[i];
                int mask = p == 0 ? 0 : -1 << (32 - p);
                if (v4[i].contains(ip & mask)) {
                    return true;
                }
            }
            return false;
        }
        for (int i = 0; i < v6Prefixes.length; i++) {
            if (v6[i].contains(v6(a, v6Prefixes[i]))) {
                return true;
            }
        }
        return false;
    }

    private static int v4(byte[] b) {
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    private static V6 v6(byte[] b, int prefix) {
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (b[i] & 0xff);
            lo = lo << 8 | (b[i + 8] & 0xff);
        }
        if (prefix <= 64) {
            hi = prefix == 0 ? 0 : hi & (-1L << (64 - prefix));
            lo = 0;
        } else if (prefix < 128) {
            lo = lo & (-1L << (128 - prefix));
        }
        return new V6(hi, lo);
    }
}
