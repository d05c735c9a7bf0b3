package dev.palisade.rules.transform;

/** {@code trim}: removes leading and trailing whitespace and control characters. */
final class Trim implements Transform {

    private static final CharMask TRIGGERS = CharMask.range('\0', ' ').or(CharMask.BEYOND_ASCII);

    @Override
    public String name() {
        return "trim";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        String t = v.strip();
        int s = 0;
        int e = t.length();
        while (s < e && t.charAt(s) < 0x20) {
            s++;
        }
        while (e > s && t.charAt(e - 1) < 0x20) {
            e--;
        }
        t = t.substring(s, e);
        return t.equals(v) ? v : t;
    }
}
