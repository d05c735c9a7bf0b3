package dev.palisade.rules.transform;

/**
 * {@code remove_comments}: replaces C-style comments ({@code /* ... *}{@code /}, also unterminated ones) with
 * a space, the classic way to hide keywords from a naive matcher ({@code UNION/**}{@code /SELECT}). A MySQL
 * executable comment ({@code /*!CASE*}{@code /}, {@code /*!50000SELECT*}{@code /}) is code MySQL runs, so only
 * its markers and version number go and its text stays.
 */
final class RemoveComments implements Transform {

    private static final CharMask TRIGGERS = CharMask.of("/");

    @Override
    public String name() {
        return "remove_comments";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        int start = v.indexOf("/*");
        if (start < 0) {
            return v;
        }
        StringBuilder sb = new StringBuilder(v.length());
        int i = 0;
        while (start >= 0) {
            sb.append(v, i, start).append(' ');
            int end = v.indexOf("*/", start + 2);
            int stop = end < 0 ? v.length() : end;
            if (start + 2 < stop && v.charAt(start + 2) == '!') {
                // an executable comment: its version number (up to 5 digits) goes, its text stays
                int text = start + 3;
                while (text < stop && text < start + 8 && Character.isDigit(v.charAt(text))) {
                    text++;
                }
                sb.append(v, text, stop).append(' ');
            }
            if (end < 0) {
                return sb.toString();
            }
            i = end + 2;
            start = v.indexOf("/*", i);
        }
        sb.append(v, i, v.length());
        return sb.toString();
    }
}
