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
}
