package dev.palisade.rules.transform;

import java.text.Normalizer;

/**
 * {@code normalize_unicode}: NFKC compatibility normalization, so full-width and other look-alike forms
 * ({@code ＜ｓｃｒｉｐｔ＞}) become the ASCII a back end may fold them to; division and fraction slashes
 * become '/'.
 */
final class NormalizeUnicode implements Transform {

    private static final CharMask TRIGGERS = CharMask.BEYOND_ASCII;

    /** Slash look-alikes that NFKC keeps but old IIS and some decoders folded to '/' and '\\'. */
    private static String slashes(String s) {
        return s.replace('\u2215', '/').replace('\u2044', '/').replace('\u29f8', '/').replace('\u2216', '\\')
                .replace('\u29f5', '\\').replace('\u29f9', '\\');
    }

    @Override
    public String name() {
        return "normalize_unicode";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) > 0x7f) {
                String n = slashes(Normalizer.normalize(v, Normalizer.Form.NFKC));
                return n.equals(v) ? v : n;
            }
        }
        return v;
    }
}
