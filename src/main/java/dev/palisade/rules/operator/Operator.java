package dev.palisade.rules.operator;

/**
 * Tests one (already transformed) value. Implementations are compiled once at load, immutable and
 * thread-safe, and must run in time linear in the value's length.
 */
public interface Operator {

    boolean test(String value);

    /** True for {@code exists}, which asks whether a field has any value rather than testing one. */
    default boolean presence() {
        return false;
    }
}
