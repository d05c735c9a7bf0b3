package dev.palisade.rules.operator;

import dev.palisade.rules.transform.CharMask;

/**
 * Tests one (already transformed) value. Implementations are compiled once at load, immutable and
 * thread-safe, and must run in time linear in the value's length.
 */
public interface Operator {

    boolean test(String value);

    /**
     * Phrases one of which must occur in a value for this operator to pass it, or null when there is no
     * such list. The rule set uses them to index many phrase rules into one automaton per target.
     */
    default java.util.List<String> requiredPhrases() {
        return null;
    }

    /**
     * True when a value passes exactly when one of {@link #requiredPhrases} occurs in it, so the rule set's
     * phrase walk answers the test and the operator need not read the value again.
     */
    default boolean decidedByPhrases() {
        return false;
    }

    /**
     * Values one of which a value must equal exactly for this operator to pass it, or null. The rule set
     * uses them to index literal rules by target.
     */
    default java.util.Set<String> requiredValues() {
        return null;
    }

    /**
     * Characters one of which a value must hold for this operator to pass it ({@code is xss} needs markup or
     * script punctuation); the engine skips values, or whole targets, without any of them unread.
     * {@link CharMask#ALL} when there is no such set.
     */
    default CharMask needs() {
        return CharMask.ALL;
    }

    /** True for {@code exists}, which asks whether a field has any value rather than testing one. */
    default boolean presence() {
        return false;
    }
}
