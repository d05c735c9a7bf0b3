package dev.palisade.rules.transform;

/**
 * A set of characters as 128 bits: bit {@code c} for each ASCII character below DEL, and one shared bit (127)
 * for DEL and every character beyond ASCII. The rule engine keeps one per value it reads ({@link #summarize}),
 * so a transform whose {@link Transform#triggers} the value does not hold is known to leave it as it is
 * without reading it again.
 */
public record CharMask(long lo, long hi) {

    /** Every character: a transform that may change any string. */
    public static final CharMask ALL = new CharMask(-1L, -1L);
    public static final CharMask NONE = new CharMask(0L, 0L);
    /** The shared bit of DEL and of every character beyond ASCII. */
    public static final CharMask BEYOND_ASCII = new CharMask(0L, 1L << 63);

    /** The characters of {@code chars}. */
    public static CharMask of(String chars) {
        long lo = 0;
        long hi = 0;
        for (int i = 0; i < chars.length(); i++) {
            char c = chars.charAt(i);
            if (c < 64) {
                lo |= 1L << c;
            } else {
                hi |= c < 127 ? 1L << (c - 64) : 1L << 63;
            }
        }
        return new CharMask(lo, hi);
    }

    /** The characters from {@code from} to {@code to}, both included (ASCII). */
    public static CharMask range(char from, char to) {
        StringBuilder sb = new StringBuilder();
        for (char c = from; c <= to; c++) {
            sb.append(c);
        }
        return of(sb.toString());
    }

    public CharMask or(CharMask o) {
        return new CharMask(lo | o.lo, hi | o.hi);
    }

    /** The characters not in this set (the shared bit included). */
    public CharMask not() {
        return new CharMask(~lo, ~hi);
    }

    /** Whether a string whose {@link #summarize summary} is {@code sLo, sHi} holds a character of this set. */
    public boolean meets(long sLo, long sHi) {
        return (lo & sLo) != 0 || (hi & sHi) != 0;
    }

    /** Writes the set of the characters of {@code s} into {@code out[at]} (low half) and {@code out[at + 1]}. */
    public static void summarize(String s, long[] out, int at) {
        long lo = 0;
        long hi = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            int c = s.charAt(i);
            // without a branch: a shift counts modulo 64, so bit c % 64 is picked and c < 64 says which half
            // gets it; DEL and every character beyond ASCII land on bit 63 of the high half
            long bit = 1L << Math.min(c, 127);
            long low = -(long) ((c - 64) >>> 31);
            lo |= bit & low;
            hi |= bit & ~low;
        }
        out[at] = lo;
        out[at + 1] = hi;
    }
}
