package dev.palisade.rules.operator;

/** {@code contains "x"}: x occurs anywhere in the value. */
final class Contains implements Operator {

    private final String needle;

    Contains(String needle) {
        this.needle = needle;
    }

    @Override
    public java.util.List<String> requiredPhrases() {
        return needle.isEmpty() ? null : java.util.List.of(needle);
    }

    @Override
    public boolean decidedByPhrases() {
        return true;
    }

    @Override
    public boolean test(String value) {
        return value.contains(needle);
    }
}
