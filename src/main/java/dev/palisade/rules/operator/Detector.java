package dev.palisade.rules.operator;

import java.util.function.Predicate;

import dev.palisade.rules.transform.CharMask;

/**
 * {@code is sqli}, {@code is xss}: hands the value to one of the project's tokenizing detectors.
 *
 * <p>Verdicts on short values are remembered across requests ({@link KnownValues}): a browser User-Agent costs
 * the tokenizers about a microsecond each time it is judged. A detector is a pure function of the value, so a
 * remembered verdict is the verdict.
 */
final class Detector implements Operator {

    /** Slots of the verdict table. */
    static final int SLOTS = 2048;

    private final String name;
    private final Predicate<String> detector;
    private final CharMask needs;
    private final KnownValues<Boolean> verdicts = new KnownValues<>(SLOTS);

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
        Boolean known = verdicts.get(value);
        if (known != null) {
            return known;
        }
        boolean attack = detector.test(value);
        verdicts.put(value, attack);
        return attack;
    }

    @Override
    public String toString() {
        return "is " + name;
    }
}
