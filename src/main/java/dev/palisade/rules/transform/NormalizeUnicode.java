package dev.palisade.rules.transform;

import java.text.Normalizer;

/**
 * {@code normalize_unicode}: NFKC compatibility normalization, so full-width and other look-alike forms
 * ({@code ＜ｓｃｒｉｐｔ＞}) become the ASCII a back end may fold them to.
 */
final class NormalizeUnicode implements Transform {

    @Override
    public String name() {
        return "normalize_unicode";
    }

    @Override
    public String apply(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) > 0x7f) {
                String n = Normalizer.normalize(v, Normalizer.Form.NFKC);
                return n.equals(v) ? v : n;
            }
        }
        return v;
    }
}
