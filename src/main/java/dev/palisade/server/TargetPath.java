package dev.palisade.server;

/**
 * The path of a request target, checked for forms that a front end and an origin resolve differently
 * (used by {@link StrictRequestDecoder}). Browsers and HTTP libraries remove dot-segments before sending
 * (RFC 3986 5.2.4), so a path that still carries one, raw or hidden behind percent-encoding, an encoded
 * slash or backslash, an overlong UTF-8 form or a path parameter ({@code ..;/}), is a traversal or a
 * route-confusion attempt: it is refused rather than resolved, because origins disagree on how to
 * resolve it. Also refused: an encoded NUL and a {@code %} not followed by two hex digits. An encoded
 * slash on its own passes unchanged; it is data, not a separator (RFC 3986 2.2).
 */
final class TargetPath {

    private TargetPath() {
    }

    /** Null when the path of {@code uri} is acceptable, else what is wrong with it (for the log). */
    static String problem(String uri) {
        int end = uri.indexOf('?');
        if (end < 0) {
            end = uri.length();
        }
        boolean suspect = false;
        for (int i = 0; i < end && !suspect; i++) {
            char c = uri.charAt(i);
            suspect = c == '.' || c == '%' || c == ';';
        }
        if (!suspect) {
            return null;
        }
        // the path as an origin might read it: separators and dots decoded, anything else kept opaque
        StringBuilder view = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char c = uri.charAt(i);
            if (c != '%') {
                view.append(c == '\\' ? '/' : c);
                continue;
            }
            int b = hexByte(uri, i, end);
            if (b < 0) {
                return "malformed percent-encoding in the path";
            }
            if (b == 0) {
                return "encoded NUL in the path";
            }
            if ((b == 0xc0 || b == 0xc1) && hexByte(uri, i + 3, end) >= 0x80) {
                // RFC 3629: C0 and C1 only ever start overlong forms, such as %c0%ae for '.' and %c0%af for '/'
                return "overlong UTF-8 in the path";
            }
            view.append(b == '.' ? '.' : b == '/' || b == '\\' ? '/' : '_');
            i += 2;
        }
        int from = 0;
        while (from <= view.length()) {
            int slash = view.indexOf("/", from);
            int to = slash < 0 ? view.length() : slash;
            int param = view.indexOf(";", from);
            int segEnd = param >= from && param < to ? param : to;
            int len = segEnd - from;
            if (len > 0 && len <= 2 && (view.charAt(from) == '.' && (len == 1 || view.charAt(from + 1) == '.'))) {
                return "dot-segment in the path";
            }
            if (slash < 0) {
                break;
            }
            from = slash + 1;
        }
        return null;
    }

    /** The byte of the {@code %XX} at {@code at}, or -1 when there is none. */
    private static int hexByte(String s, int at, int end) {
        if (at + 2 >= end || s.charAt(at) != '%') {
            return -1;
        }
        int hi = Character.digit(s.charAt(at + 1), 16);
        int lo = Character.digit(s.charAt(at + 2), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
