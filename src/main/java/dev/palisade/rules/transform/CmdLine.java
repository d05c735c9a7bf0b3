package dev.palisade.rules.transform;

/**
 * {@code cmd_line}: undoes the tricks that keep a shell command working while hiding it from a matcher:
 * lowercases; drops backslashes, quotes and carets ({@code c\a't'}, {@code w^h^o^a^m^i}); turns
 * {@code $IFS}, {@code ${IFS}} and {@code $IFS$9} into a space; drops {@code $@} and {@code $*};
 * turns brace lists ({@code {cat,/etc/passwd}}) into words; collapses runs of spaces and tabs; reads
 * '+' as a space in a value that has no space at all (it is still form-encoded).
 */
final class CmdLine implements Transform {

    /** What lower-casing changes, '+' (a space in a form-encoded line) and what {@link #plain} looks for. */
    private static final CharMask TRIGGERS = CharMask.range('A', 'Z').or(CharMask.BEYOND_ASCII)
            .or(CharMask.of("+\\'\"^${ \t\f")).or(CharMask.range((char) 0x0b, (char) 0x0b));

    @Override
    public String name() {
        return "cmd_line";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        String s = v.toLowerCase(java.util.Locale.ROOT);
        if (s.indexOf('+') >= 0 && s.indexOf(' ') < 0 && s.indexOf('\t') < 0) {
            s = s.replace('+', ' ');
        }
        if (plain(s)) {
            return s.equals(v) ? v : s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int braces = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '\'' || c == '"' || c == '^') {
                continue;
            }
            if (c == '$') {
                if (s.startsWith("${ifs", i)) {
                    int end = s.indexOf('}', i);
                    i = end < 0 ? n : end;
                    space(out);
                    continue;
                }
                if (s.startsWith("$ifs", i)) {
                    i += 3;
                    if (i + 2 < n && s.charAt(i + 1) == '$' && Character.isDigit(s.charAt(i + 2))) {
                        i += 2;
                    }
                    space(out);
                    continue;
                }
                if (i + 1 < n && (s.charAt(i + 1) == '@' || s.charAt(i + 1) == '*')) {
                    i++;
                    continue;
                }
            }
            if (c == '{' && s.indexOf(',', i) > 0 && s.indexOf('}', i) > s.indexOf(',', i)) {
                braces++;
                space(out);
                continue;
            }
            if (braces > 0 && (c == ',' || c == '}')) {
                if (c == '}') {
                    braces--;
                }
                space(out);
                continue;
            }
            if (c == ' ' || c == '\t' || c == 0x0b || c == '\f') {
                space(out);
                continue;
            }
            out.append(c);
        }
        String r = out.toString();
        return r.equals(v) ? v : r;
    }

    /**
     * Whether the loop below would copy {@code s} unchanged: nothing to drop, no '$' or '{' to read, no run of
     * spaces (no tab, vertical tab or form feed either).
     */
    private static boolean plain(String s) {
        char prev = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\': case '\'': case '"': case '^': case '$': case '{': case '\t': case 0x0b: case '\f':
                    return false;
                case ' ':
                    if (prev == ' ') {
                        return false;
                    }
                    break;
                default:
                    break;
            }
            prev = c;
        }
        return true;
    }

    private static void space(StringBuilder out) {
        if (out.length() == 0 || out.charAt(out.length() - 1) != ' ') {
            out.append(' ');
        }
    }
}
