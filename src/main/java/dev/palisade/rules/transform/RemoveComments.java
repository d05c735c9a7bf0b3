package dev.palisade.rules.transform;

/**
 * {@code remove_comments}: replaces C-style comments ({@code /* ... *}{@code /}, also unterminated ones) with
 * a space, the classic way to hide keywords from a naive matcher ({@code UNION/**}{@code /SELECT}).
 */
final class RemoveComments implements Transform {

    @Override
    public String name() {
        return "remove_comments";
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
