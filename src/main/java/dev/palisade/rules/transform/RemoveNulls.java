package dev.palisade.rules.transform;

/** {@code remove_nulls}: drops NUL characters, which many back ends ignore or treat as a terminator. */
final class RemoveNulls implements Transform {

    private static final CharMask TRIGGERS = CharMask.of("\0");

    @Override
    public String name() {
        return "remove_nulls";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        return v.indexOf('\0') < 0 ? v : v.replace("\0", "");
    }
}
