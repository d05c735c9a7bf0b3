package dev.palisade.rules.transform;

/**
 * {@code js_decode}: decodes JavaScript and CSS string escapes: backslash-x with two hex digits,
 * backslash-u with four hex digits or with hex digits in braces, octal, the letter escapes (n, t, r,
 * f, v, b), and a backslash before any other character (which JavaScript drops).
 */
final class JsDecode implements Transform {

    private static final CharMask TRIGGERS = CharMask.of("\\");

    @Override
    public String name() {
        return "js_decode";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String s) {
        int bs = s.indexOf('\\');
        if (bs < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        out.append(s, 0, bs);
        int i = bs;
        int len = s.length();
        while (i < len) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= len) {
                out.append(c);
                i++;
                continue;
            }
            char n = s.charAt(i + 1);
            if ((n == 'x' || n == 'X') && i + 3 < len && UrlDecode.hex(s.charAt(i + 2)) >= 0
                    && UrlDecode.hex(s.charAt(i + 3)) >= 0) {
                out.append((char) (UrlDecode.hex(s.charAt(i + 2)) << 4 | UrlDecode.hex(s.charAt(i + 3))));
                i += 4;
            } else if (n == 'u' && i + 2 < len && s.charAt(i + 2) == '{') {
                int j = i + 3;
                long cp = 0;
                while (j < len && UrlDecode.hex(s.charAt(j)) >= 0 && j - i < 12) {
                    cp = cp * 16 + UrlDecode.hex(s.charAt(j));
                    j++;
                }
                if (j < len && s.charAt(j) == '}' && cp <= 0x10ffff && j > i + 3) {
                    out.appendCodePoint((int) cp);
                    i = j + 1;
                } else {
                    out.append(n);
                    i += 2;
                }
            } else if (n == 'u' && i + 5 < len && UrlDecode.hex(s.charAt(i + 2)) >= 0
                    && UrlDecode.hex(s.charAt(i + 3)) >= 0 && UrlDecode.hex(s.charAt(i + 4)) >= 0
                    && UrlDecode.hex(s.charAt(i + 5)) >= 0) {
                out.append((char) (UrlDecode.hex(s.charAt(i + 2)) << 12 | UrlDecode.hex(s.charAt(i + 3)) << 8
                        | UrlDecode.hex(s.charAt(i + 4)) << 4 | UrlDecode.hex(s.charAt(i + 5))));
                i += 6;
            } else if (n >= '0' && n <= '7') {
                int j = i + 1;
                int v = 0;
                while (j < len && j < i + 4 && s.charAt(j) >= '0' && s.charAt(j) <= '7' && v * 8 + (s.charAt(j) - '0') <= 0xff) {
                    v = v * 8 + (s.charAt(j) - '0');
                    j++;
                }
                out.append((char) v);
                i = j;
            } else {
                switch (n) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'f' -> out.append('\f');
                    case 'v' -> out.append('\u000b');
                    case 'b' -> out.append('\b');
                    default -> out.append(n);
                }
                i += 2;
            }
        }
        return out.toString();
    }
}
