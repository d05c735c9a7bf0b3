package dev.palisade.rules.operator;

import java.util.function.Predicate;

import dev.palisade.rules.transform.CharMask;

/** {@code is sqli}, {@code is xss}: hands the value to one of the project's tokenizing detectors. */
final class Detector implements Operator {

    private final String name;
    private final Predicate<String> detector;
    private final CharMask needs;

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
        return detector.test(value);
    }

    @Override
    public String toString() {
        return "is " + name;
    }
}
