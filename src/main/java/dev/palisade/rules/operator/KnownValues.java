package dev.palisade.rules.operator;

/**
 * Answers computed from a short value alone (a detector's verdict, the phrases a value holds), remembered
 * across requests: the same User-Agent, Accept or Referer arrives on request after request. A fixed
 * direct-mapped table: a value goes to one slot by its hash and replaces whatever was there, so values a
 * client invents only push each other out and never grow the table, and values longer than
 * {@value #MAX_LENGTH} characters are not kept, which bounds its memory. An entry is an immutable pair, read
 * from any thread without a lock; an answer must not be changed once it is put.
 */
public final class KnownValues<V> {

    /** Longer values are not kept: they are rarely repeated, and this bounds the table's memory. */
    public static final int MAX_LENGTH = 256;

    private record Entry<V>(String value, V answer) {}

    private final Entry<V>[] slots;

    /** A table of {@code slots} entries, a power of two. */
    @SuppressWarnings("unchecked")
    public KnownValues(int slots) {
        if (slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots: " + slots + " (expected: a power of two)");
        }
        this.slots = (Entry<V>[]) new Entry<?>[slots];
    }

    /** Whether {@code value} is short enough to be kept. */
    public static boolean keeps(String value) {
        return value.length() <= MAX_LENGTH;
    }

    /** The answer remembered for {@code value}, or null. */
    public V get(String value) {
        if (!keeps(value)) {
            return null;
        }
        Entry<V> e = slots[slot(value)];
        return e != null && e.value.equals(value) ? e.answer : null;
    }

    /** Remembers {@code answer} for {@code value}, unless the value is too long to keep. */
    public void put(String value, V answer) {
        if (keeps(value)) {
            slots[slot(value)] = new Entry<>(value, answer);
        }
    }

    private int slot(String value) {
        int h = value.hashCode() * 0x9E3779B9;
        return (h ^ h >>> 16) & (slots.length - 1);
    }
}
