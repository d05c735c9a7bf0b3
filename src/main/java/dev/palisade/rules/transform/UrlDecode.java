package dev.palisade.rules.transform;

/**
 * {@code url_decode}: percent-decoding repeated until the value stops changing (at most
 * {@value #MAX_ROUNDS} rounds), so double and triple encoding cannot hide a payload. Also decodes IIS
 * {@code %uXXXX}, and reads decoded bytes as lenient UTF-8: overlong forms such
 * as {@code %c0%af} become the ASCII character they spell ('/'), and bytes that are not UTF-8 are kept
 * as Latin-1 characters. An invalid escape stays as written. A '+' stays a '+' (arguments are already
 * form-decoded once when they are split, and in a path '+' is literal) unless the value still reads as
 * form-encoded, with %XX escapes and no literal space, as a doubly encoded argument does. Use
 * {@code form_decode} for a value that is form-encoded once (cookies read by PHP, for example).
 */
public final class UrlDecode implements Transform {

    private static final CharMask TRIGGERS = CharMask.of("%");

    static final int MAX_ROUNDS = 8;

    @Override
    public String name() {
        return "url_decode";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        String cur = v;
        for (int i = 0; i < MAX_ROUNDS; i++) {
            String next = decodeOnce(cur, stillFormEncoded(cur));
            if (next.equals(cur)) {
                break;
            }
            cur = next;
        }
        return cur.equals(v) ? v : cur;
    }

    /**
     * Whether a value reads as form-encoded text one level down: it holds a %XX escape and no literal
     * space, so a '+' in it stands for a space (double form-encoding), not for a plus sign.
     */
    static boolean stillFormEncoded(String s) {
        if (s.indexOf(' ') >= 0 || s.indexOf('+') < 0) {
            return false;
        }
        for (int i = s.indexOf('%'); i >= 0 && i + 2 < s.length(); i = s.indexOf('%', i + 1)) {
            if (hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** One round of percent-decoding; returns {@code s} itself when it holds nothing to decode. */
    public static String decodeOnce(String s, boolean plusAsSpace) {
        if (s.indexOf('%') < 0 && (!plusAsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        byte[] buf = new byte[Math.min(s.length(), 1 << 16)];
        int n = 0;
        int i = 0;
        int len = s.length();
        while (i < len) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < len && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                if (n == buf.length) {
                    n = flush(buf, n, out);
                }
                buf[n++] = (byte) (hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
                i += 3;
                continue;
            }
            if (n > 0) {
                n = flush(buf, n, out);
            }
            if (c == '%' && i + 5 < len && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')
                    && hex(s.charAt(i + 2)) >= 0 && hex(s.charAt(i + 3)) >= 0 && hex(s.charAt(i + 4)) >= 0
                    && hex(s.charAt(i + 5)) >= 0) {
                out.append((char) (hex(s.charAt(i + 2)) << 12 | hex(s.charAt(i + 3)) << 8
                        | hex(s.charAt(i + 4)) << 4 | hex(s.charAt(i + 5))));
                i += 6;
                continue;
            }
            out.append(plusAsSpace && c == '+' ? ' ' : c);
            i++;
        }
        if (n > 0) {
            flush(buf, n, out);
        }
        return out.toString();
    }

    static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static int flush(byte[] b, int n, StringBuilder out) {
        decodeLenientUtf8(b, 0, n, out);
        return 0;
    }

    /**
     * Reads UTF-8 the way a careless back end might: sequences are decoded by their shape, overlong
     * forms included; a byte that starts no valid shape is kept as the Latin-1 character of that value.
     */
    public static void decodeLenientUtf8(byte[] b, int from, int to, StringBuilder out) {
        int i = from;
        while (i < to) {
            int b0 = b[i] & 0xff;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int need;
            int cp;
            if ((b0 & 0xe0) == 0xc0) {
                need = 1;
                cp = b0 & 0x1f;
            } else if ((b0 & 0xf0) == 0xe0) {
                need = 2;
                cp = b0 & 0x0f;
            } else if ((b0 & 0xf8) == 0xf0) {
                need = 3;
                cp = b0 & 0x07;
            } else {
                out.append((char) b0);
                i++;
                continue;
            }
            if (i + need >= to) {
                out.append((char) b0);
                i++;
                continue;
            }
            boolean ok = true;
            for (int k = 1; k <= need; k++) {
                int bk = b[i + k] & 0xff;
                if ((bk & 0xc0) != 0x80) {
                    ok = false;
                    break;
                }
                cp = cp << 6 | (bk & 0x3f);
            }
            if (!ok || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                out.append((char) b0);
                i++;
                continue;
            }
            out.appendCodePoint(cp);
            i += need + 1;
        }
    }
}
