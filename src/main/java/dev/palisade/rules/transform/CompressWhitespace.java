package dev.palisade.rules.transform;

/** {@code compress_whitespace}: turns every run of whitespace into one space. */
final class CompressWhitespace implements Transform {

    private static final CharMask TRIGGERS = CharMask.range('\0', ' ').or(CharMask.BEYOND_ASCII);

    @Override
    public String name() {
        return "compress_whitespace";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        StringBuilder sb = null;
        boolean prevSpace = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean sp = RemoveWhitespace.isSpace(c);
            if (sp && (prevSpace || c != ' ') && sb == null) {
                sb = new StringBuilder(v.length()).append(v, 0, i);
            }
            if (sb != null) {
                if (!sp) {
                    sb.append(c);
                } else if (!prevSpace) {
                    sb.append(' ');
                }
            }
            prevSpace = sp;
        }
        return sb == null ? v : sb.toString();
    }
}
