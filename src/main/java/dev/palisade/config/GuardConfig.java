package dev.palisade.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The protection layer: the connection gate in front of TLS, bans, slow-client defences and request
 * rate limits. Gate, bans and slow-client defences are on by default; rate-limit policies are opt-in.
 *
 * <p>The defaults let a one-line proxy take normal browsing and a keep-alive benchmark from one address
 * (wrk with 50 to 100 connections, tens of thousands of requests per second) without tripping, while a
 * single address opening thousands of connections is refused and then banned.
 *
 * @param enabled    master switch; false turns off gate, bans, slow-client defences and rate limits
 * @param gate       per-address and global connection limits, allow and deny lists
 * @param bans       when an address that keeps tripping limits is banned, and for how long
 * @param slow       minimum request body rate and the write timeout for clients that do not read
 * @param rateLimits request rate-limit policies, in file order
 */
public record GuardConfig(boolean enabled, Gate gate, Bans bans, Slow slow, List<RateLimitPolicy> rateLimits) {

    public static final GuardConfig DEFAULTS = new GuardConfig(true, Gate.DEFAULTS, Bans.DEFAULTS, Slow.DEFAULTS, List.of());

    public GuardConfig {
        gate = gate == null ? Gate.DEFAULTS : gate;
        bans = bans == null ? Bans.DEFAULTS : bans;
        slow = slow == null ? Slow.DEFAULTS : slow;
        rateLimits = List.copyOf(rateLimits == null ? List.of() : rateLimits);
        Map<String, RateLimitPolicy> seen = new HashMap<>();
        for (RateLimitPolicy p : rateLimits) {
            RateLimitPolicy before = seen.put(p.name(), p);
            if (before != null) {
                throw new IllegalArgumentException("rate_limits: the name '" + p.name() + "' is used twice");
            }
        }
    }

    /** The connection gate; turned off, every connection is admitted. */
    public record Gate(boolean enabled, int maxConnectionsPerAddress, int newConnectionsPerSecond,
                       int newConnectionsBurst, int maxConnections, List<Cidr> allow, List<Cidr> deny, Path denyFile,
                       Duration denyFileCheck, int maxTrackedAddresses, int ipv6Prefix, Duration proxyHeaderTimeout) {

        /**
         * 256 concurrent and 200 new connections per second (burst 400) per address; 16384 in all. A browser
         * opens 6 to 8 connections per host; a benchmark holds its 50 to 100 keep-alive connections open.
         */
        public static final Gate DEFAULTS = new Gate(true, 256, 200, 400, 16_384, List.of(), List.of(), null,
                Duration.ofSeconds(5), 100_000, 64, Duration.ofSeconds(5));

        public Gate {
            positive("max_connections_per_address", maxConnectionsPerAddress);
            positive("new_connections_per_second", newConnectionsPerSecond);
            positive("new_connections_burst", newConnectionsBurst);
            positive("max_connections", maxConnections);
            positive("max_tracked_addresses", maxTrackedAddresses);
            if (newConnectionsBurst < newConnectionsPerSecond) {
                throw new IllegalArgumentException("new_connections_burst: " + newConnectionsBurst
                        + " (expected: >= new_connections_per_second " + newConnectionsPerSecond + ")");
            }
            if (ipv6Prefix < 32 || ipv6Prefix > 128) {
                throw new IllegalArgumentException("ipv6_prefix: " + ipv6Prefix + " (expected: 32..128)");
            }
            positive("deny_file_check", denyFileCheck);
            positive("proxy_header_timeout", proxyHeaderTimeout);
            allow = List.copyOf(allow == null ? List.of() : allow);
            deny = List.copyOf(deny == null ? List.of() : deny);
        }

        Gate resolve(Path base) {
            if (denyFile == null || base == null || denyFile.isAbsolute()) {
                return this;
            }
            return new Gate(enabled, maxConnectionsPerAddress, newConnectionsPerSecond, newConnectionsBurst,
                    maxConnections, allow, deny, base.resolve(denyFile).normalize(), denyFileCheck, maxTrackedAddresses,
                    ipv6Prefix, proxyHeaderTimeout);
        }

        static Gate from(ConfigNode n) {
            Gate d = DEFAULTS;
            boolean enabled = n.bool("enabled", d.enabled);
            int perAddress = (int) n.number("max_connections_per_address", 1, 1_000_000, d.maxConnectionsPerAddress);
            int rate = (int) n.number("new_connections_per_second", 1, 1_000_000, d.newConnectionsPerSecond);
            int burst = (int) n.number("new_connections_burst", 1, 10_000_000, Math.max(d.newConnectionsBurst, 2 * rate));
            int max = (int) n.number("max_connections", 1, 10_000_000, d.maxConnections);
            List<Cidr> allow = cidrs(n, "allow");
            List<Cidr> deny = cidrs(n, "deny");
            String file = n.string("deny_file", null);
            Duration check = n.duration("deny_file_check", d.denyFileCheck);
            int tracked = (int) n.number("max_tracked_addresses", 1, 100_000_000, d.maxTrackedAddresses);
            int v6 = (int) n.number("ipv6_prefix", 32, 128, d.ipv6Prefix);
            Duration proxyHeader = n.duration("proxy_header_timeout", d.proxyHeaderTimeout);
            n.finish();
            return n.build(() -> new Gate(enabled, perAddress, rate, burst, max, allow, deny,
                    file == null || file.isBlank() ? null : Path.of(file), check, tracked, v6, proxyHeader), d);
        }
    }

    /**
     * Bans for addresses that keep tripping limits. The n-th ban of the same address within
     * {@code forgetAfter} lasts {@code duration * 2^(n-1)}, at most {@code maxDuration}.
     */
    public record Bans(boolean enabled, int afterViolations, Duration window, Duration duration, Duration maxDuration,
                       Duration forgetAfter, int maxEntries) {

        /** 20 refused connections within 10 s ban an address for 1 minute, then 2, 4, ... up to 1 hour. */
        public static final Bans DEFAULTS = new Bans(true, 20, Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofHours(1), Duration.ofHours(24), 100_000);

        public Bans {
            positive("after_violations", afterViolations);
            positive("window", window);
            positive("duration", duration);
            positive("max_duration", maxDuration);
            positive("forget_after", forgetAfter);
            positive("max_entries", maxEntries);
            if (maxDuration.compareTo(duration) < 0) {
                throw new IllegalArgumentException("max_duration: " + Durations.format(maxDuration)
                        + " (expected: >= duration " + Durations.format(duration) + ")");
            }
        }

        static Bans from(ConfigNode n) {
            Bans d = DEFAULTS;
            boolean enabled = n.bool("enabled", d.enabled);
            int after = (int) n.number("after_violations", 1, 1_000_000, d.afterViolations);
            Duration window = n.duration("window", d.window);
            Duration duration = n.duration("duration", d.duration);
            Duration max = n.duration("max_duration", duration.compareTo(d.maxDuration) > 0 ? duration : d.maxDuration);
            Duration forget = n.duration("forget_after", d.forgetAfter);
            int entries = (int) n.number("max_entries", 1, 100_000_000, d.maxEntries);
            n.finish();
            return n.build(() -> new Bans(enabled, after, window, duration, max, forget, entries), d);
        }
    }

    /**
     * Slow-client defences that are not the header deadline (that one is {@code timeouts.client_header}).
     *
     * @param minBodyRate   bytes per second a request body must keep up, averaged over {@code bodyRateWindow}; 0 is off
     * @param bodyRateGrace how long a body may start slowly before the rate is enforced
     * @param bodyRateWindow the averaging window
     * @param writeTimeout  a client that leaves the connection unwritable (does not read) this long is reset; zero is off
     */
    public record Slow(long minBodyRate, Duration bodyRateGrace, Duration bodyRateWindow, Duration writeTimeout) {

        /** Like Apache mod_reqtimeout (MinRate=500) and nginx send_timeout (60 s). */
        public static final Slow DEFAULTS = new Slow(500, Duration.ofSeconds(10), Duration.ofSeconds(10),
                Duration.ofSeconds(60));

        public Slow {
            if (minBodyRate < 0) {
                throw new IllegalArgumentException("min_body_rate: " + minBodyRate + " (expected: >= 0, 0 is off)");
            }
            positive("body_rate_grace", bodyRateGrace);
            positive("body_rate_window", bodyRateWindow);
            if (bodyRateWindow.toMillis() < 1000) {
                throw new IllegalArgumentException("body_rate_window: " + Durations.format(bodyRateWindow)
                        + " (expected: >= 1s)");
            }
            if (writeTimeout == null || writeTimeout.isNegative()) {
                throw new IllegalArgumentException("write_timeout: " + writeTimeout + " (expected: >= 0, 0 is off)");
            }
        }

        public boolean bodyRateEnabled() {
            return minBodyRate > 0;
        }

        public boolean writeTimeoutEnabled() {
            return !writeTimeout.isZero();
        }

        static Slow from(ConfigNode n) {
            Slow d = DEFAULTS;
            long rate = "off".equals(n.string("min_body_rate", null)) ? 0
                    : n.size("min_body_rate", 0, 1L << 40, d.minBodyRate);
            Duration grace = n.duration("body_rate_grace", d.bodyRateGrace);
            Duration window = n.duration("body_rate_window", d.bodyRateWindow);
            Duration write = "off".equals(n.string("write_timeout", null)) ? Duration.ZERO
                    : n.duration("write_timeout", d.writeTimeout);
            n.finish();
            return n.build(() -> new Slow(rate, grace, window, write), d);
        }
    }

    /**
     * One part of a rate-limit key.
     *
     * @param kind what the part is taken from
     * @param name the header or cookie name (header names lower case), empty for the other kinds
     */
    public record KeyPart(Kind kind, String name) {

        public enum Kind { ADDRESS, HEADER, COOKIE, PATH, ROUTE, HOST, METHOD }

        public static final KeyPart ADDRESS = new KeyPart(Kind.ADDRESS, "");

        public KeyPart {
            Objects.requireNonNull(kind, "kind");
            name = name == null ? "" : name;
            boolean named = kind == Kind.HEADER || kind == Kind.COOKIE;
            if (named && name.isBlank()) {
                throw new IllegalArgumentException("key: " + kind.name().toLowerCase(Locale.ROOT)
                        + ": needs a name (expected: e.g. header:X-Api-Key or cookie:session)");
            }
            if (kind == Kind.HEADER) {
                name = name.toLowerCase(Locale.ROOT);
            }
        }

        /** Parses {@code address}, {@code header:NAME}, {@code cookie:NAME}, {@code path}, {@code route}, {@code host}, {@code method}. */
        public static KeyPart parse(String text) {
            String s = text == null ? "" : text.trim();
            int colon = s.indexOf(':');
            String kind = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
            String name = colon < 0 ? "" : s.substring(colon + 1).trim();
            switch (kind) {
                case "header": return new KeyPart(Kind.HEADER, name);
                case "cookie": return new KeyPart(Kind.COOKIE, name);
                case "address": case "path": case "route": case "host": case "method":
                    if (colon >= 0) {
                        throw new IllegalArgumentException("key: '" + text + "' (" + kind + " takes no name)");
                    }
                    return new KeyPart(Kind.valueOf(kind.toUpperCase(Locale.ROOT)), "");
                default:
                    throw new IllegalArgumentException("key: '" + text
                            + "' (expected: address, header:NAME, cookie:NAME, path, route, host or method)");
            }
        }

        @Override
        public String toString() {
            String k = kind.name().toLowerCase(Locale.ROOT);
            return name.isEmpty() ? k : k + ":" + name;
        }
    }

    /**
     * One bandwidth: {@code requests} per {@code per}, with up to {@code burst} at once.
     */
    public record Limit(long requests, Duration per, long burst) {

        public Limit {
            if (requests <= 0) {
                throw new IllegalArgumentException("requests: " + requests + " (expected: > 0)");
            }
            positive("per", per);
            if (burst < requests) {
                throw new IllegalArgumentException("burst: " + burst + " (expected: >= requests " + requests + ")");
            }
        }

        public static Limit of(long requests, Duration per) {
            return new Limit(requests, per, requests);
        }

        /**
         * Parses the short form {@code 100/s}, {@code 2000/min}, {@code 10/5s}, optionally followed by
         * {@code burst 200}.
         */
        public static Limit parse(String text) {
            String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            String expected = " (expected: e.g. 100/s, 2000/min or 100/s burst 200)";
            long burst = -1;
            int b = s.indexOf("burst");
            if (b >= 0) {
                try {
                    burst = Long.parseLong(s.substring(b + 5).trim().replace("_", ""));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("limit: '" + text + "'" + expected);
                }
                s = s.substring(0, b).trim();
            }
            int slash = s.indexOf('/');
            if (slash <= 0) {
                throw new IllegalArgumentException("limit: '" + text + "'" + expected);
            }
            long requests;
            try {
                requests = Long.parseLong(s.substring(0, slash).trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit: '" + text + "'" + expected);
            }
            String unit = s.substring(slash + 1).trim();
            Duration per;
            switch (unit) {
                case "s": case "sec": case "second": per = Duration.ofSeconds(1); break;
                case "m": case "min": case "minute": per = Duration.ofMinutes(1); break;
                case "h": case "hour": per = Duration.ofHours(1); break;
                case "d": case "day": per = Duration.ofDays(1); break;
                default:
                    try {
                        per = Durations.parse(unit);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("limit: '" + text + "'" + expected);
                    }
            }
            return new Limit(requests, per, burst < 0 ? requests : burst);
        }

        @Override
        public String toString() {
            return requests + "/" + Durations.format(per) + (burst != requests ? " burst " + burst : "");
        }
    }

    /**
     * A request rate-limit policy. A request is counted against every policy whose scope it matches; a
     * scope list left empty matches everything. A request whose key has an empty part (no such header or
     * cookie) is not counted, as with nginx limit_req.
     *
     * @param name       a unique name for logs, metrics and the RateLimit-Policy header
     * @param key        what identifies a client for this policy; parts are combined
     * @param limits     one or more bandwidths; the request must fit all of them
     * @param routes     route names this policy applies to
     * @param hosts      host names ({@code *.example.com} wildcards) this policy applies to
     * @param methods    methods this policy applies to (upper case)
     * @param paths      path prefixes this policy applies to
     * @param detectOnly count and log instead of answering 429
     * @param ban        hand clients that keep getting 429 to the ban list
     * @param maxKeys    the most keys held at once (a bounded cache; the least used are dropped)
     */
    public record RateLimitPolicy(String name, List<KeyPart> key, List<Limit> limits, List<String> routes,
                                  List<String> hosts, List<String> methods, List<String> paths, boolean detectOnly,
                                  boolean ban, int maxKeys) {

        public static final int DEFAULT_MAX_KEYS = 65_536;

        public RateLimitPolicy {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name: empty (expected: a policy name)");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
                    throw new IllegalArgumentException("name: '" + name + "' (expected: letters, digits, - _ .)");
                }
            }
            key = List.copyOf(key == null || key.isEmpty() ? List.of(KeyPart.ADDRESS) : key);
            if (limits == null || limits.isEmpty()) {
                throw new IllegalArgumentException("limits: empty (expected: at least one, e.g. {requests: 100, per: 1s})");
            }
            limits = List.copyOf(limits);
            routes = List.copyOf(routes == null ? List.of() : routes);
            hosts = lower(hosts);
            methods = upper(methods);
            for (String h : hosts) {
                boolean bracketed = h.startsWith("[") && h.endsWith("]");
                if (h.isEmpty() || h.indexOf('/') >= 0 || (!bracketed && h.indexOf(':') >= 0)
                        || (h.indexOf('*') >= 0 && !h.equals("*") && !(h.startsWith("*.") && h.indexOf('*', 1) < 0))) {
                    throw new IllegalArgumentException("hosts: '" + h
                            + "' can never match (expected: a host name without port, *.suffix or *)");
                }
            }
            for (String m : methods) {
                if (m.isEmpty() || !m.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c == '-' || c == '_')) {
                    throw new IllegalArgumentException("methods: '" + m + "' can never match (expected: e.g. GET, POST)");
                }
            }
            paths = List.copyOf(paths == null ? List.of() : paths);
            for (String p : paths) {
                if (!p.startsWith("/")) {
                    throw new IllegalArgumentException("paths: '" + p + "' (expected: a path prefix starting with /)");
                }
            }
            if (maxKeys <= 0) {
                throw new IllegalArgumentException("max_keys: " + maxKeys + " (expected: > 0)");
            }
        }

        public static RateLimitPolicy of(String name, List<KeyPart> key, List<Limit> limits) {
            return new RateLimitPolicy(name, key, limits, null, null, null, null, false, false, DEFAULT_MAX_KEYS);
        }

        /** Whether this policy counts the same requests under the same key as {@code o}. */
        boolean sameKeyAndScope(RateLimitPolicy o) {
            return key.equals(o.key) && new java.util.HashSet<>(routes).equals(new java.util.HashSet<>(o.routes))
                    && new java.util.HashSet<>(hosts).equals(new java.util.HashSet<>(o.hosts))
                    && new java.util.HashSet<>(methods).equals(new java.util.HashSet<>(o.methods))
                    && new java.util.HashSet<>(paths).equals(new java.util.HashSet<>(o.paths));
        }

        private static List<String> lower(List<String> in) {
            List<String> out = new ArrayList<>();
            for (String s : in == null ? List.<String>of() : in) {
                out.add(s.toLowerCase(Locale.ROOT));
            }
            return List.copyOf(out);
        }

        private static List<String> upper(List<String> in) {
            List<String> out = new ArrayList<>();
            for (String s : in == null ? List.<String>of() : in) {
                out.add(s.toUpperCase(Locale.ROOT));
            }
            return List.copyOf(out);
        }

        static RateLimitPolicy from(ConfigNode n, int index) {
            String name = n.string("name", "policy" + index);
            List<KeyPart> key = new ArrayList<>();
            ConfigNode kn = n.get("key");
            if (kn != null) {
                for (ConfigNode item : kn.items()) {
                    KeyPart part = item.as(KeyPart::parse, null);
                    if (part != null) {
                        key.add(part);
                    }
                }
            }
            List<Limit> limits = new ArrayList<>();
            ConfigNode ln = n.get("limits");
            if (ln == null) {
                n.problem("limits: missing (expected: at least one, e.g. {requests: 100, per: 1s, burst: 200})");
            } else {
                for (ConfigNode item : ln.items()) {
                    Limit l = item.isMapping() ? limit(item) : item.as(Limit::parse, null);
                    if (l != null) {
                        limits.add(l);
                    }
                }
            }
            List<String> routes = n.strings("routes");
            List<String> hosts = n.strings("hosts");
            List<String> methods = n.strings("methods");
            List<String> paths = n.strings("paths");
            String mode = n.string("mode", "block");
            if (!mode.equals("block") && !mode.equals("detect")) {
                n.get("mode").problem("'" + mode + "' (expected: block or detect)");
            }
            boolean ban = n.bool("ban", false);
            int maxKeys = (int) n.number("max_keys", 1, 100_000_000, DEFAULT_MAX_KEYS);
            n.finish();
            if (limits.isEmpty()) {
                return null;
            }
            return n.build(() -> new RateLimitPolicy(name, key, limits, routes, hosts, methods, paths,
                    mode.equals("detect"), ban, maxKeys), null);
        }

        private static Limit limit(ConfigNode n) {
            long requests = n.number("requests", 1, Long.MAX_VALUE / 4, -1);
            if (requests < 0 && !n.has("requests")) {
                n.problem("requests: missing (expected: a number of requests > 0)");
            }
            Duration per = n.duration("per", Duration.ofSeconds(1));
            long burst = n.number("burst", 1, Long.MAX_VALUE / 4, requests);
            n.finish();
            if (requests < 0) {
                return null;
            }
            return n.build(() -> new Limit(requests, per, burst), null);
        }
    }

    /**
     * Problems with rate-limit policies scoped to routes that do not exist, for the loader to report once
     * the routes are known (such a policy can never match). Empty when all is well.
     */
    public List<String> unknownRoutes(java.util.Collection<String> routeNames) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rateLimits.size(); i++) {
            RateLimitPolicy p = rateLimits.get(i);
            for (String r : p.routes()) {
                if (!routeNames.contains(r)) {
                    out.add("guard.rate_limits[" + i + "].routes: '" + r + "' is not a route (policy '" + p.name()
                            + "' can never match; expected one of: " + String.join(", ", new java.util.TreeSet<>(routeNames))
                            + ")");
                }
            }
        }
        return out;
    }

    /** Resolves a relative {@code gate.deny_file} against the config file's directory. */
    public GuardConfig resolve(Path base) {
        Gate g = gate.resolve(base);
        return g == gate ? this : new GuardConfig(enabled, g, bans, slow, rateLimits);
    }

    private static void positive(String key, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(key + ": " + v + " (expected: > 0)");
        }
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + ": " + (d == null ? "missing" : Durations.format(d)) + " (expected: > 0)");
        }
    }

    private static List<Cidr> cidrs(ConfigNode n, String key) {
        List<Cidr> out = new ArrayList<>();
        ConfigNode list = n.get(key);
        if (list != null) {
            for (ConfigNode item : list.items()) {
                Cidr c = item.as(Cidr::parse, null);
                if (c != null) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    private static <T> T section(ConfigNode parent, String key, java.util.function.Function<ConfigNode, T> reader,
                                 T fallback) {
        ConfigNode n = parent.get(key);
        if (n == null) {
            return fallback;
        }
        if (!n.isMapping()) {
            n.problem("expected a mapping of settings");
            return fallback;
        }
        return reader.apply(n);
    }

    static GuardConfig from(ConfigNode n) {
        boolean enabled = n.bool("enabled", true);
        Gate gate = section(n, "gate", Gate::from, Gate.DEFAULTS);
        Bans bans = section(n, "bans", Bans::from, Bans.DEFAULTS);
        Slow slow = section(n, "slow", Slow::from, Slow.DEFAULTS);
        List<RateLimitPolicy> policies = new ArrayList<>();
        ConfigNode rl = n.get("rate_limits");
        if (rl != null) {
            int i = 0;
            Map<String, Integer> names = new HashMap<>();
            for (ConfigNode item : rl.items()) {
                if (!item.isMapping()) {
                    item.problem("expected a policy (name, key, limits, routes, hosts, methods, paths)");
                    i++;
                    continue;
                }
                RateLimitPolicy p = RateLimitPolicy.from(item, i);
                if (p != null) {
                    if (names.containsKey(p.name())) {
                        item.problem("name: '" + p.name() + "' is already used by rate_limits[" + names.get(p.name()) + "]");
                    } else {
                        RateLimitPolicy same = null;
                        for (RateLimitPolicy q : policies) {
                            if (q.sameKeyAndScope(p)) {
                                same = q;
                                break;
                            }
                        }
                        if (same != null) {
                            item.problem("has the same key and scope as policy '" + same.name()
                                    + "' (expected: one policy with both limits, or a different key or scope)");
                        } else {
                            names.put(p.name(), i);
                            policies.add(p);
                        }
                    }
                }
                i++;
            }
        }
        n.finish();
        return n.build(() -> new GuardConfig(enabled, gate, bans, slow, policies), DEFAULTS);
    }
}
