package dev.palisade.guard.rate;

import java.util.List;
import java.util.Locale;

import dev.palisade.config.GuardConfig;
import dev.palisade.config.GuardConfig.KeyPart;
import dev.palisade.config.RouteConfig;
import dev.palisade.guard.flood.AddressKey;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.RequestHead;

/**
 * Decides whether a policy counts a request (its scope) and under which key. Paths are compared after
 * {@link PathNormalizer#normalize}, so {@code /%6cogin} or {@code //login/.} cannot slip past a
 * {@code /login} scope.
 */
final class PolicyMatcher {

    /** Separates key parts; header values and cookies cannot contain it (control bytes are refused). */
    private static final char SEP = '\u001f';

    private final GuardConfig.RateLimitPolicy policy;
    private final int ipv6Prefix;

    PolicyMatcher(GuardConfig.RateLimitPolicy policy, int ipv6Prefix) {
        this.policy = policy;
        this.ipv6Prefix = ipv6Prefix;
    }

    boolean applies(Exchange ex, String normalizedPath) {
        RequestHead r = ex.request();
        if (!policy.methods().isEmpty() && !policy.methods().contains(r.method().toUpperCase(Locale.ROOT))) {
            return false;
        }
        if (!policy.routes().isEmpty() && !policy.routes().contains(ex.route())) {
            return false;
        }
        if (!policy.hosts().isEmpty() && !hostMatches(policy.hosts(), hostOf(r))) {
            return false;
        }
        if (!policy.paths().isEmpty()) {
            boolean any = false;
            for (String p : policy.paths()) {
                if (prefixMatches(normalizedPath, p)) {
                    any = true;
                    break;
                }
            }
            return any;
        }
        return true;
    }

    /** The bucket key, or null when a part is missing (such requests are not counted, as in nginx). */
    String key(Exchange ex, String normalizedPath) {
        List<KeyPart> parts = policy.key();
        if (parts.size() == 1) {
            return part(parts.get(0), ex, normalizedPath);
        }
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < parts.size(); i++) {
            String v = part(parts.get(i), ex, normalizedPath);
            if (v == null) {
                return null;
            }
            if (i > 0) {
                sb.append(SEP);
            }
            sb.append(v);
        }
        return sb.toString();
    }

    private String part(KeyPart p, Exchange ex, String normalizedPath) {
        RequestHead r = ex.request();
        String v;
        switch (p.kind()) {
            case ADDRESS:
                return AddressKey.of(ex.client().address(), ipv6Prefix).getHostAddress();
            case HEADER:
                v = r.headers().get(p.name());
                break;
            case COOKIE:
                v = cookie(r, p.name());
                break;
            case PATH:
                return normalizedPath;
            case ROUTE:
                v = ex.route();
                break;
            case HOST:
                v = hostOf(r);
                break;
            case METHOD:
                return r.method();
            default:
                throw new IllegalStateException("key part " + p);
        }
        return v == null || v.isEmpty() ? null : v;
    }

    static String cookie(RequestHead r, String name) {
        for (String header : r.headers().getAll("cookie")) {
            int i = 0;
            int n = header.length();
            while (i < n) {
                int end = header.indexOf(';', i);
                if (end < 0) {
                    end = n;
                }
                int eq = header.indexOf('=', i);
                if (eq > i && eq < end && header.substring(i, eq).trim().equals(name)) {
                    String v = header.substring(eq + 1, end).trim();
                    if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
                        v = v.substring(1, v.length() - 1);
                    }
                    return v;
                }
                i = end + 1;
            }
        }
        return null;
    }

    /** The Host without port, lower case. */
    static String hostOf(RequestHead r) {
        String h = r.host();
        if (h.isEmpty()) {
            return h;
        }
        int end = h.length();
        if (h.charAt(0) == '[') {
            int close = h.indexOf(']');
            end = close < 0 ? end : close + 1;
        } else {
            int colon = h.lastIndexOf(':');
            if (colon >= 0) {
                end = colon;
            }
        }
        String s = h.substring(0, end);
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.toLowerCase(Locale.ROOT);
    }

    private static boolean hostMatches(List<String> hosts, String host) {
        for (String h : hosts) {
            if (RouteConfig.hostMatches(h, host)) {
                return true;
            }
        }
        return false;
    }

    /** {@code /login} matches {@code /login}, {@code /login/x} and {@code /login?..}, not {@code /loginx}; {@code /api/} matches below it. */
    static boolean prefixMatches(String path, String prefix) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        return prefix.endsWith("/") || path.length() == prefix.length() || path.charAt(prefix.length()) == '/';
    }
}
