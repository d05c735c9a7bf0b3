package dev.palisade.headers;

import java.util.Locale;

/**
 * Rewrites one response's URLs from the origin's view to the client's: an absolute or scheme-relative
 * URL whose host is internal gets the public scheme and authority (or becomes a path when the client
 * sent no usable Host); a URL naming the public host over http while the client used https is
 * upgraded, and one naming the public host with the origin's port gets the public port.
 * Relative URLs and other hosts are returned as they are. Built per exchange; pure.
 */
final class UrlRewriter {

    private final InternalHosts internal;
    private final String publicAuthority;
    private final String publicHostName;
    private final boolean secure;
    private final int originPort;

    /**
     * @param publicAuthority the client's Host (validated), empty when unknown
     * @param originPort      the chosen origin's port, 0 when unknown
     */
    UrlRewriter(InternalHosts internal, String publicAuthority, boolean secure, int originPort) {
        this.internal = internal;
        this.publicAuthority = publicAuthority;
        this.publicHostName = publicAuthority.isEmpty() ? "" : PublicOrigin.hostName(publicAuthority);
        this.secure = secure;
        this.originPort = originPort;
    }

    /** The URL with an internal authority replaced by the public one; the same string when nothing changed. */
    String url(String url) {
        String u = url.trim();
        int schemeEnd = -1;
        String scheme = "";
        if (u.startsWith("//")) {
            schemeEnd = 0;
        } else {
            int colon = u.indexOf(':');
            if (colon <= 0 || !u.startsWith("//", colon + 1)) {
                return url;
            }
            scheme = u.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https") || scheme.equals("ws") || scheme.equals("wss"))) {
                return url;
            }
            schemeEnd = colon + 1;
        }
        int authStart = schemeEnd + 2;
        int authEnd = authStart;
        while (authEnd < u.length() && "/?#\\".indexOf(u.charAt(authEnd)) < 0) {
            authEnd++;
        }
        String authority = u.substring(authStart, authEnd);
        int at = authority.lastIndexOf('@');
        String hostPort = at < 0 ? authority : authority.substring(at + 1);
        String host = PublicOrigin.hostName(hostPort);
        String rest = u.substring(authEnd);
        boolean web = scheme.equals("ws") || scheme.equals("wss");
        if (internal.isInternal(host)) {
            if (publicAuthority.isEmpty()) {
                return rest.isEmpty() || rest.charAt(0) != '/' ? "/" + rest : rest;
            }
            return publicScheme(scheme.isEmpty() ? "" : web ? "ws" : "http") + "//" + publicAuthority + rest;
        }
        if (publicHostName.isEmpty() || !host.equals(publicHostName)) {
            return url;
        }
        boolean downgraded = secure && (scheme.equals("http") || scheme.equals("ws"));
        boolean tlsScheme = scheme.equals("https") || scheme.equals("wss") || (scheme.isEmpty() && secure);
        int port = PublicOrigin.port(hostPort, tlsScheme);
        boolean originPortShown = originPort != 0 && port == originPort
                && port != PublicOrigin.port(publicAuthority, secure);
        if (downgraded || originPortShown) {
            return publicScheme(scheme.isEmpty() ? "" : web ? "ws" : "http") + "//" + publicAuthority + rest;
        }
        return url;
    }

    /** {@code family} "http" or "ws" with the client's security; "" keeps it scheme-relative. */
    private String publicScheme(String family) {
        if (family.isEmpty()) {
            return "";
        }
        return family + (secure ? "s:" : ":");
    }

    /** Refresh: {@code 5; url=http://...}, {@code 0;URL='...'} or {@code 0; http://...} (HTML's parsing). */
    String refresh(String value) {
        int i = 0;
        int n = value.length();
        while (i < n && (Character.isDigit(value.charAt(i)) || value.charAt(i) == '.' || value.charAt(i) == ' ')) {
            i++;
        }
        if (i >= n || (value.charAt(i) != ';' && value.charAt(i) != ',')) {
            return value;
        }
        i++;
        while (i < n && value.charAt(i) == ' ') {
            i++;
        }
        if (value.regionMatches(true, i, "url", 0, 3)) {
            int j = i + 3;
            while (j < n && value.charAt(j) == ' ') {
                j++;
            }
            if (j < n && value.charAt(j) == '=') {
                i = j + 1;
                while (i < n && value.charAt(i) == ' ') {
                    i++;
                }
            }
        }
        int end = n;
        if (i < n && (value.charAt(i) == '"' || value.charAt(i) == '\'')) {
            int close = value.indexOf(value.charAt(i), i + 1);
            i++;
            end = close < 0 ? n : close;
        }
        String u = value.substring(i, end);
        String r = url(u);
        return r.equals(u) ? value : value.substring(0, i) + r + value.substring(end);
    }

    /** Link: every {@code <URI-Reference>} outside quoted parameter values. */
    String link(String value) {
        StringBuilder out = null;
        boolean quoted = false;
        int copied = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                i++;
            } else if (c == '<' && !quoted) {
                int close = value.indexOf('>', i + 1);
                if (close < 0) {
                    break;
                }
                String u = value.substring(i + 1, close);
                String r = url(u);
                if (!r.equals(u)) {
                    if (out == null) {
                        out = new StringBuilder(value.length() + 16);
                    }
                    out.append(value, copied, i + 1).append(r);
                    copied = close;
                }
                i = close;
            }
        }
        if (out == null) {
            return value;
        }
        return out.append(value, copied, value.length()).toString();
    }

    /**
     * Any other header value: rewrites every absolute URL in it that names an internal host, then replaces
     * bare internal names and private IPv4 addresses with the public host name (or {@code hidden} when
     * the client sent no usable Host).
     */
    String embedded(String value) {
        if (value.indexOf('.') < 0 && value.indexOf("://") < 0 && !internal.hasSingleLabelNames()) {
            return value;
        }
        String v = value.indexOf("://") < 0 ? value : embeddedUrls(value);
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        int n = v.length();
        while (i < n) {
            if (!wordChar(v.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && wordChar(v.charAt(i))) {
                i++;
            }
            int end = i;
            while (end > start && v.charAt(end - 1) == '.') {
                end--;
            }
            if (end > start && internal.isInternalWord(v.substring(start, end))) {
                if (out == null) {
                    out = new StringBuilder(n + 16);
                }
                out.append(v, copied, start).append(publicHostName.isEmpty() ? "hidden" : publicHostName);
                copied = end;
            }
        }
        return out == null ? v : out.append(v, copied, n).toString();
    }

    private static boolean wordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                || c == '_';
    }

    /** Absolute http(s)/ws(s) URLs anywhere in a value, each ending at a space, quote, comma, semicolon,
     * angle bracket or parenthesis. */
    private String embeddedUrls(String value) {
        int from = 0;
        StringBuilder out = null;
        int copied = 0;
        while (true) {
            int sep = value.indexOf("://", from);
            if (sep < 0) {
                break;
            }
            int start = sep;
            while (start > 0 && Character.isLetter(value.charAt(start - 1))) {
                start--;
            }
            int end = sep + 3;
            while (end < value.length() && " \t\"'<>,;(){}".indexOf(value.charAt(end)) < 0) {
                end++;
            }
            from = end;
            if (start == sep) {
                continue;
            }
            String u = value.substring(start, end);
            String r = url(u);
            if (!r.equals(u)) {
                if (out == null) {
                    out = new StringBuilder(value.length() + 16);
                }
                out.append(value, copied, start).append(r);
                copied = end;
            }
        }
        return out == null ? value : out.append(value, copied, value.length()).toString();
    }

    /** Set-Cookie: see {@link CookieDomain}. */
    String setCookie(String value, String originHost) {
        return CookieDomain.rewrite(value, internal, originHost, publicHostName);
    }
}
