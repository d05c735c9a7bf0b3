package dev.palisade.headers;

import java.util.Locale;

/**
 * The Domain attribute of a Set-Cookie from an origin. A Domain naming an internal host, or a parent
 * domain of the origin that does not also cover the public host, is dropped: the cookie then belongs
 * to the public host only, and the client never sees the origin's name. Every other attribute and the
 * cookie itself are kept byte for byte.
 */
final class CookieDomain {

    private CookieDomain() {
    }

    static String rewrite(String value, InternalHosts internal, String originHost, String publicHostName) {
        int semi = value.indexOf(';');
        if (semi < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length()).append(value, 0, semi);
        boolean changed = false;
        int start = semi;
        while (start < value.length()) {
            int next = value.indexOf(';', start + 1);
            if (next < 0) {
                next = value.length();
            }
            String attr = value.substring(start + 1, next);
            int eq = attr.indexOf('=');
            String name = (eq < 0 ? attr : attr.substring(0, eq)).trim();
            if (eq >= 0 && name.equalsIgnoreCase("domain")
                    && drop(attr.substring(eq + 1), internal, originHost, publicHostName)) {
                changed = true;
            } else {
                out.append(value, start, next);
            }
            start = next;
        }
        return changed ? out.toString() : value;
    }

    private static boolean drop(String raw, InternalHosts internal, String originHost, String publicHostName) {
        String d = raw.trim().toLowerCase(Locale.ROOT);
        while (d.startsWith(".")) {
            d = d.substring(1);
        }
        if (d.isEmpty()) {
            return false;
        }
        if (internal.isInternal(d)) {
            return true;
        }
        boolean coversOrigin = !originHost.isEmpty() && (originHost.equals(d) || originHost.endsWith("." + d));
        boolean coversPublic = !publicHostName.isEmpty()
                && (publicHostName.equals(d) || publicHostName.endsWith("." + d));
        return coversOrigin && !coversPublic;
    }
}
