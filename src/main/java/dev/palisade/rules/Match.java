package dev.palisade.rules;

/**
 * Why a condition held: the value that matched and its name, for the security log. The name
 * ({@code headers:user-agent}) is put together only when asked for: conditions inside an {@code and}, an
 * {@code or} or a {@code not} hold on most requests without their rule matching, and their matches are
 * dropped unread.
 */
public final class Match {

    /** A condition that held because something was absent ({@code not ...}): nothing to show. */
    public static final Match ABSENCE = new Match(Values.NONE, -1, "");

    private final Values values;
    private final int index;
    private final String value;

    Match(Values values, int index, String value) {
        this.values = values;
        this.index = index;
        this.value = value;
    }

    /** The name of the value that matched ({@code args:q}); empty for {@link #ABSENCE}. */
    public String field() {
        return index < 0 ? "" : values.name(index);
    }

    /** The value that matched, after the target's transforms. */
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return field() + "=" + value;
    }
}
