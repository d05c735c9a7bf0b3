package dev.palisade.rules.transform;

/**
 * A pure function applied to a value before an operator sees it, written in a rule as a call around a
 * field: {@code lower(url_decode(args))} decodes first, then lowercases. Implementations are stateless,
 * thread-safe and must return the same instance when nothing changed, so callers can skip work.
 */
public interface Transform {

    /** The name a rule uses. */
    String name();

    String apply(String value);

    /**
     * Characters without which {@link #apply} returns its input: a string holding none of them is known to stay
     * as it is without being read. {@link CharMask#ALL} when any string may change.
     */
    default CharMask triggers() {
        return CharMask.ALL;
    }

    /**
     * Characters any one of which makes {@link #apply} return its input whatever else the string holds
     * ({@code base64_decode} leaves anything that is not base64 alone). {@link CharMask#NONE} when there are none.
     */
    default CharMask stoppers() {
        return CharMask.NONE;
    }
}
