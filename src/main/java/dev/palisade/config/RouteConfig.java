package dev.palisade.config;

import java.util.Locale;

/**
 * Sends requests whose host and path match to an origin group. Routes are tried in file order; the
 * first match wins.
 *
 * @param name       a name for logs and metrics
 * @param host       a host name, a {@code *.suffix} wildcard, or {@code *} for any
 * @param pathPrefix a path prefix starting with '/'
 * @param group      the origin group's name
 */
public record RouteConfig(String name, String host, String pathPrefix, String group) {

    public RouteConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: empty (expected: a route name)");
        }
        host = host == null || host.isBlank() ? "*" : host.toLowerCase(Locale.ROOT);
        pathPrefix = pathPrefix == null || pathPrefix.isEmpty() ? "/" : pathPrefix;
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("path_prefix: '" + pathPrefix + "' (expected: a path starting with /)");
        }
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("group: missing (expected: the name of an origin group)");
        }
    }

    /** Whether this route takes a request for {@code hostLower} (no port, lower case) and {@code path}. */
    public boolean matches(String hostLower, String path) {
        return path.startsWith(pathPrefix) && hostMatches(host, hostLower);
    }

    /**
     * Whether host pattern {@code pattern} (lower case: a name, {@code *.suffix} for any name below the suffix
     * but not the suffix itself, or {@code *} for any) takes {@code hostLower} (no port, lower case).
     */
    public static boolean hostMatches(String pattern, String hostLower) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*.")) {
            return hostLower.endsWith(pattern.substring(1)) && hostLower.length() > pattern.length() - 1;
        }
        return pattern.equals(hostLower);
    }

    static RouteConfig from(ConfigNode n, int index) {
        String name = n.string("name", "route" + index);
        String host = n.string("host", "*");
        String prefix = n.string("path_prefix", "/");
        String group = n.requiredString("group");
        n.finish();
        return n.build(() -> new RouteConfig(name, host, prefix, group), null);
    }
}
