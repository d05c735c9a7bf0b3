package dev.palisade.rules.operator;

import java.util.function.Predicate;

import dev.palisade.rules.transform.CharMask;

/**
 * {@code is sqli}, {@code is xss}: hands the value to one of the project's tokenizing detectors.
 *
 * <p>Verdicts on short values are remembered across requests in a fixed direct-mapped table: the same
 * User-Agent, Referer or cookie arrives on request after request, and a browser User-Agent costs the
 * tokenizers about a microsecond each time. A detector is a pure function of the value, so a remembered
 * verdict is the verdict; the table has a fixed number of slots holding values of bounded length, so values a
 * client chooses can only push each other out, never grow it, and an entry is an immutable pair, safe to read
 * from any thread without a lock.
 */
final class Detector implements Operator {

    /** Slots of the verdict table (a power of two). */
    static final int SLOTS = 2048;
    /** Longer values are judged every time: they are rarely repeated, and bound the table's memory. */
    static final int MAX_REMEMBERED = 256;

    private record Verdict(String value, boolean attack) {}

    private final String name;
    private final Predicate<String> detector;
    private final CharMask needs;
    private final Verdict[] remembered = new Verdict[SLOTS];

    Detector(String name, Predicate<String> detector, CharMask needs) {
        this.name = name;
        this.detector = detector;
        this.needs = needs;
    }

    @Override
    public CharMask needs() {
        return needs;
    }

    @Override
    public boolean test(String value) {
        if (value.length() > MAX_REMEMBERED) {
            return detector.test(value);
        }
        int h = value.hashCode() * 0x9E3779B9;
        int slot = (h ^ h >>> 16) & (SLOTS - 1);
        Verdict v = remembered[slot];
        if (v != null && v.value.equals(value)) {
            return v.attack;
        }
        boolean attack = detector.test(value);
        remembered[slot] = new Verdict(value, attack);
        return attack;
    }

    @Override
    public String toString() {
        return "is " + name;
    }
}
