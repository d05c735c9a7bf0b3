package dev.palisade.headers;

import java.util.Set;

/**
 * A fixed set of lower-case names, looked up with an ASCII name in any case without lower-casing the
 * name first: header policies test every header of every message, and {@code toLowerCase} would copy
 * each mixed-case HTTP/1.1 name ({@code Content-Type}) on every test. The caller keeps non-ASCII names
 * on the {@code toLowerCase} path.
 */
final class AsciiNames {

    private final String[] slots;
    private final int mask;

    AsciiNames(Set<String> lowerNames) {
        int size = 4;
        while (size < lowerNames.size() * 2) {
            size <<= 1;
        }
        slots = new String[size];
        mask = size - 1;
        for (String n : lowerNames) {
            int i = hash(n) & mask;
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = n;
        }
    }

    /** Whether {@code name} (ASCII, any case) equals one of the names ignoring ASCII case. */
    boolean contains(String name) {
        int i = hash(name) & mask;
        String s;
        while ((s = slots[i]) != null) {
            if (s.length() == name.length() && startsWithLower(name, s)) {
                return true;
            }
            i = (i + 1) & mask;
        }
        return false;
    }

    /** Whether {@code name} starts with {@code lowerPrefix}, ignoring ASCII case in {@code name}. */
    static boolean startsWithLower(String name, String lowerPrefix) {
        int n = lowerPrefix.length();
        if (name.length() < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (lowerAscii(name.charAt(i)) != lowerPrefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    private static int hash(String s) {
        int h = 0;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + lowerAscii(s.charAt(i));
        }
        return h ^ (h >>> 16);
    }
}
