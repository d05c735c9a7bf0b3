package dev.palisade.rules.transform;

/**
 * {@code base64_decode}: decodes standard or URL-safe base64, padding optional, whitespace ignored. A
 * value that is not base64 (a bad character, an impossible length) or does not decode to text is returned
 * unchanged, so a rule can chain this safely over every value. Decoded bytes are read as lenient UTF-8.
 */
final class Base64Decode implements Transform {

    /** Anything but the base64 alphabets, padding and line breaks. */
    private static final CharMask STOPPERS = CharMask.range('A', 'Z').or(CharMask.range('a', 'z')).or(CharMask.range('0', '9'))
            .or(CharMask.of("+-/_= \n\r\t")).not();

    @Override
    public String name() {
        return "base64_decode";
    }

    @Override
    public CharMask stoppers() {
        return STOPPERS;
    }

    @Override
    public String apply(String v) {
        int[] q = new int[4];
        int qn = 0;
        byte[] out = new byte[v.length() * 3 / 4 + 3];
        int n = 0;
        int symbols = 0;
        boolean padding = false;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                continue;
            }
            if (c == '=') {
                padding = true;
                continue;
            }
            if (padding) {
                return v;
            }
            int d = value(c);
            if (d < 0) {
                return v;
            }
            symbols++;
            q[qn++] = d;
            if (qn == 4) {
                out[n++] = (byte) (q[0] << 2 | q[1] >> 4);
                out[n++] = (byte) (q[1] << 4 | q[2] >> 2);
                out[n++] = (byte) (q[2] << 6 | q[3]);
                qn = 0;
            }
        }
        if (symbols == 0 || qn == 1) {
            return v;
        }
        if (qn >= 2) {
            out[n++] = (byte) (q[0] << 2 | q[1] >> 4);
        }
        if (qn == 3) {
            out[n++] = (byte) (q[1] << 4 | q[2] >> 2);
        }
        if (!isText(out, n)) {
            return v;
        }
        StringBuilder sb = new StringBuilder(n);
        UrlDecode.decodeLenientUtf8(out, 0, n, sb);
        return sb.toString();
    }

    /**
     * Whether decoded bytes read as text: at most one byte in ten starts an invalid UTF-8 sequence or is a
     * control character (tab, line breaks and NUL, which attackers slip into payloads, do not count).
     * Ordinary tokens made of base64 letters (session ids, hex digests) decode to binary and stay as they were.
     */
    static boolean isText(byte[] b, int n) {
        int bad = 0;
        int i = 0;
        while (i < n) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != 0) || c == 0x7f) {
                    bad++;
                }
                i++;
                continue;
            }
            int more = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : -1;
            int j = 1;
            while (more > 0 && j <= more && i + j < n && (b[i + j] & 0xC0) == 0x80) {
                j++;
            }
            if (more < 0 || j <= more) {
                bad++;
                i++;
            } else {
                i += j;
            }
        }
        return bad * 10 <= n;
    }

    private static int value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '+' || c == '-') {
            return 62;
        }
        if (c == '/' || c == '_') {
            return 63;
        }
        return -1;
    }
}
