package dev.palisade.rules.operator;

/** {@code exists}: the field has at least one value (a header is present, an argument was sent). */
final class Exists implements Operator {

    @Override
    public boolean test(String value) {
        return true;
    }

    @Override
    public boolean presence() {
        return true;
    }
}
