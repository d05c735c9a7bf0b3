package dev.palisade.rules.transform;

/** {@code remove_whitespace}: drops every whitespace character (also non-breaking spaces and vertical tabs). */
final class RemoveWhitespace implements Transform {

    private static final CharMask TRIGGERS = CharMask.range('\0', ' ').or(CharMask.BEYOND_ASCII);

    @Override
    public String name() {
        return "remove_whitespace";
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b || c == 0xa0
                || Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        int i = 0;
        while (i < v.length() && !isSpace(v.charAt(i))) {
            i++;
        }
        if (i == v.length()) {
            return v;
        }
        StringBuilder sb = new StringBuilder(v.length());
        sb.append(v, 0, i);
        for (; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!isSpace(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
