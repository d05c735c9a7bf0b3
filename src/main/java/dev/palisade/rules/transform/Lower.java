package dev.palisade.rules.transform;

import java.util.Locale;

/** {@code lower}: lowercases (root locale, so no Turkish dotless i surprises). */
final class Lower implements Transform {

    private static final CharMask TRIGGERS = CharMask.range('A', 'Z').or(CharMask.BEYOND_ASCII);

    @Override
    public String name() {
        return "lower";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= 'A' && c <= 'Z' || c > 0x7f) {
                return v.toLowerCase(Locale.ROOT);
            }
        }
        return v;
    }
}
