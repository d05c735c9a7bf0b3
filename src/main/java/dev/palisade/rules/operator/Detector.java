package dev.palisade.rules.operator;

import java.util.function.Predicate;

/** {@code is sqli}, {@code is xss}: hands the value to one of the project's tokenizing detectors. */
final class Detector implements Operator {

    private final String name;
    private final Predicate<String> detector;

    Detector(String name, Predicate<String> detector) {
        this.name = name;
        this.detector = detector;
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
