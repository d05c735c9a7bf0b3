package dev.palisade.rules;

/** Why a condition held: the value that matched and its name, for the security log. */
public record Match(String field, String value) {

    /** A condition that held because something was absent ({@code not ...}): nothing to show. */
    public static final Match ABSENCE = new Match("", "");
}
