package dev.palisade.guard.rate;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Puts a request path into the form an origin would most likely serve it under, for scope matching and
 * path keys: percent-escapes of unreserved characters decoded (RFC 3986 section 6.2.2.2), backslashes as
 * slashes, empty, {@code .} and {@code ..} segments resolved, and {@code ;parameters} cut from segments.
 * Other escapes (such as {@code %2F}) stay as they are.
 */
final class PathNormalizer {

    private PathNormalizer() {
    }

    static String normalize(String raw) {
        if (isSimple(raw)) {
            return raw;
        }
        String s = decodeUnreserved(raw).replace('\\', '/');
        Deque<String> out = new ArrayDeque<>();
        int i = 0;
        while (i <= s.length()) {
            int slash = s.indexOf('/', i);
            int end = slash < 0 ? s.length() : slash;
            String seg = s.substring(i, end);
            int semi = seg.indexOf(';');
            if (semi >= 0) {
                seg = seg.substring(0, semi);
            }
            if (seg.equals("..")) {
                out.pollLast();
            } else if (!seg.isEmpty() && !seg.equals(".")) {
                out.addLast(seg);
            }
            if (slash < 0) {
                break;
            }
            i = slash + 1;
        }
        StringBuilder sb = new StringBuilder(s.length() + 1);
        for (String seg : out) {
            sb.append('/').append(seg);
        }
        boolean trailing = s.endsWith("/") || s.endsWith("/.") || s.endsWith("/..");
        if (sb.length() == 0 || trailing) {
            sb.append('/');
        }
        return sb.toString();
    }

    /** No escape, dot segment, double slash, backslash or parameter: nothing to do. */
    private static boolean isSimple(String p) {
        if (p.isEmpty() || p.charAt(0) != '/') {
            return false;
        }
        char prev = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '%' || c == '\\' || c == ';' || (c == '/' && prev == '/') || (c == '.' && prev == '/')) {
                return false;
            }
            prev = c;
        }
        return true;
    }

    private static String decodeUnreserved(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int h = Character.digit(s.charAt(i + 1), 16);
                int l = Character.digit(s.charAt(i + 2), 16);
                if (h >= 0 && l >= 0) {
                    char d = (char) (h << 4 | l);
                    if (Character.isLetterOrDigit(d) && d < 128 || d == '-' || d == '.' || d == '_' || d == '~') {
                        sb.append(d);
                        i += 2;
                        continue;
                    }
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
