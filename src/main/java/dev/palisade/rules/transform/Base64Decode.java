package dev.palisade.rules.transform;

/**
 * {@code base64_decode}: decodes standard or URL-safe base64, padding optional, whitespace ignored. A
 * value that is not base64 (a bad character, an impossible length) is returned unchanged, so a rule
 * can chain this safely over every value. Decoded bytes are read as lenient UTF-8.
 */
final class Base64Decode implements Transform {

    @Override
    public String name() {
        return "base64_decode";
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
        StringBuilder sb = new StringBuilder(n);
        UrlDecode.decodeLenientUtf8(out, 0, n, sb);
        return sb.toString();
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
