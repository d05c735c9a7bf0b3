package dev.palisade.rules.operator;

/** {@code equals "x"}: the whole value is exactly x (case-sensitive; use lower() first to ignore case). */
final class Equals implements Operator {

    private final String expected;

    Equals(String expected) {
        this.expected = expected;
    }

    @Override
    public java.util.Set<String> requiredValues() {
        return java.util.Set.of(expected);
    }

    @Override
    public boolean test(String value) {
        return expected.equals(value);
    }
}
