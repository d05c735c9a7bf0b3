package dev.palisade.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A set of origin servers that serve the same content, and how requests are spread over them and kept
 * away from the ones that fail.
 *
 * @param name        the group's name, used by routes
 * @param members     at least one server with its weight
 * @param hostHeader  the Host sent to the origin; null keeps the client's Host
 * @param balance     round_robin | least_outstanding | p2c_ewma | hash | random
 * @param hashKey     for balance hash: address | header:NAME | cookie:NAME; null otherwise
 * @param slowStart   a server coming back ramps its weight up over this time; zero turns it off
 * @param healthCheck active HTTP checks; null when off
 * @param outlier     passive ejection after consecutive failures
 * @param retries     retries on another server, and the budget that bounds them
 * @param limits      circuit-breaker caps per server and per group; 0 means no cap
 * @param timeouts    per-group timeouts; a null field uses the global one
 * @param tls         TLS to the servers (health checks included); null for plain HTTP
 */
public record OriginGroupConfig(String name, List<Server> members, String hostHeader, String balance, String hashKey,
                                Duration slowStart, HealthCheck healthCheck, Outlier outlier, Retries retries,
                                Limits limits, Timeouts timeouts, OriginTlsConfig tls) {

    /** The balancing policies, by the name used in the config file. */
    public static final Set<String> POLICIES = Set.of("round_robin", "least_outstanding", "p2c_ewma", "hash", "random");

    /** One server and its share of the traffic relative to the others. */
    public record Server(HostPort address, int weight) {
        public Server {
            if (address == null) {
                throw new IllegalArgumentException("address: missing (expected: host:port)");
            }
            if (weight < 1 || weight > 1000) {
                throw new IllegalArgumentException("weight: " + weight + " (expected: 1..1000)");
            }
        }
    }

    /**
     * An HTTP check sent to every server of the group, off the request path.
     *
     * @param path         the request target, starting with '/'
     * @param expectStatus the status that counts as healthy; 0 accepts any 2xx or 3xx
     * @param interval     time between two checks of one server
     * @param timeout      connect plus response head must take less than this
     * @param rise         consecutive successes that bring a down server up
     * @param fall         consecutive failures that take an up server down
     */
    public record HealthCheck(String path, int expectStatus, Duration interval, Duration timeout, int rise, int fall) {
        public static final HealthCheck DEFAULTS = new HealthCheck("/", 0, Duration.ofSeconds(5), Duration.ofSeconds(2), 2, 3);

        public HealthCheck {
            if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
                throw new IllegalArgumentException("health_check.path: '" + path + "' (expected: a path starting with /)");
            }
            if (expectStatus != 0 && (expectStatus < 100 || expectStatus > 599)) {
                throw new IllegalArgumentException("health_check.expect_status: " + expectStatus + " (expected: 100..599)");
            }
            positive("health_check.interval", interval);
            positive("health_check.timeout", timeout);
            if (rise < 1 || fall < 1) {
                throw new IllegalArgumentException("health_check: rise " + rise + ", fall " + fall + " (expected: >= 1)");
            }
        }

        public boolean accepts(int status) {
            return expectStatus == 0 ? status >= 200 && status < 400 : status == expectStatus;
        }
    }

    /**
     * Passive outlier detection: a server that fails this many times in a row (connect failure, reset,
     * timeout, malformed response, 502, 503 or 504; not a plain 500, which a client can provoke) is
     * skipped for an ejection time that doubles on each repeat, up to a maximum.
     *
     * @param consecutiveFailures failures in a row that eject; 0 turns ejection off
     * @param baseEjection        the first ejection time
     * @param maxEjection         the longest ejection time
     */
    public record Outlier(int consecutiveFailures, Duration baseEjection, Duration maxEjection) {
        public static final Outlier DEFAULTS = new Outlier(5, Duration.ofSeconds(30), Duration.ofMinutes(5));

        public Outlier {
            if (consecutiveFailures < 0) {
                throw new IllegalArgumentException("outlier.consecutive_failures: " + consecutiveFailures + " (expected: >= 0)");
            }
            positive("outlier.base_ejection", baseEjection);
            positive("outlier.max_ejection", maxEjection);
            if (maxEjection.compareTo(baseEjection) < 0) {
                throw new IllegalArgumentException("outlier.max_ejection: " + Durations.format(maxEjection)
                        + " (expected: >= base_ejection " + Durations.format(baseEjection) + ")");
            }
        }
    }

    /**
     * Retries on another server.
     *
     * @param attempts      tries per request in total, the first included; 1 turns retries off
     * @param budgetPercent retries may add at most this share of the requests (over a 10 s window)
     * @param minPerSecond  retries always allowed per second on top of the share, so a quiet group can retry
     */
    public record Retries(int attempts, int budgetPercent, int minPerSecond) {
        public static final Retries DEFAULTS = new Retries(2, 20, 3);

        public Retries {
            if (attempts < 1 || attempts > 10) {
                throw new IllegalArgumentException("retries.attempts: " + attempts + " (expected: 1..10)");
            }
            if (budgetPercent < 0 || budgetPercent > 100) {
                throw new IllegalArgumentException("retries.budget_percent: " + budgetPercent + " (expected: 0..100)");
            }
            if (minPerSecond < 0) {
                throw new IllegalArgumentException("retries.min_per_second: " + minPerSecond + " (expected: >= 0)");
            }
        }
    }

    /**
     * Circuit-breaker caps; a request that would exceed one is refused with 503 at once. 0 means no cap.
     *
     * @param maxConnections      connections in use or being opened to one server
     * @param maxPending          requests one server has not answered yet (sent, no response head)
     * @param groupMaxConnections the same, summed over the group
     * @param groupMaxPending     the same, summed over the group
     */
    public record Limits(int maxConnections, int maxPending, int groupMaxConnections, int groupMaxPending) {
        public static final Limits NONE = new Limits(0, 0, 0, 0);

        public Limits {
            if (maxConnections < 0 || maxPending < 0 || groupMaxConnections < 0 || groupMaxPending < 0) {
                throw new IllegalArgumentException("limits: a cap is negative (expected: >= 0, 0 = no cap)");
            }
        }
    }

    /** Per-group timeouts; null fields fall back to the global {@code timeouts} section. */
    public record Timeouts(Duration connect, Duration responseHeader, Duration idle) {
        public static final Timeouts INHERIT = new Timeouts(null, null, null);

        public Timeouts {
            if (connect != null) {
                positive("timeouts.connect", connect);
            }
            if (responseHeader != null) {
                positive("timeouts.response_header", responseHeader);
            }
            if (idle != null) {
                positive("timeouts.idle", idle);
            }
        }

        public Duration connectOr(Duration global) {
            return connect == null ? global : connect;
        }

        public Duration responseHeaderOr(Duration global) {
            return responseHeader == null ? global : responseHeader;
        }

        public Duration idleOr(Duration global) {
            return idle == null ? global : idle;
        }
    }

    public OriginGroupConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: empty (expected: a group name)");
        }
        if (members == null || members.isEmpty()) {
            throw new IllegalArgumentException("servers: empty (expected: at least one host:port)");
        }
        members = List.copyOf(members);
        for (int i = 0; i < members.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (members.get(i).address().equals(members.get(j).address())) {
                    throw new IllegalArgumentException("servers: " + members.get(i).address() + " is listed twice");
                }
            }
        }
        balance = balance == null ? "round_robin" : balance;
        if (!POLICIES.contains(balance)) {
            throw new IllegalArgumentException("balance: '" + balance
                    + "' (expected: round_robin, least_outstanding, p2c_ewma, hash or random)");
        }
        if (balance.equals("hash")) {
            hashKey = hashKey == null ? "address" : hashKey;
            if (!validHashKey(hashKey)) {
                throw new IllegalArgumentException("hash_key: '" + hashKey
                        + "' (expected: address, header:NAME or cookie:NAME)");
            }
        } else if (hashKey != null) {
            throw new IllegalArgumentException("hash_key: set, but balance is " + balance + " (expected: balance: hash)");
        }
        slowStart = slowStart == null ? Duration.ZERO : slowStart;
        if (slowStart.isNegative()) {
            throw new IllegalArgumentException("slow_start: negative (expected: >= 0)");
        }
        outlier = outlier == null ? Outlier.DEFAULTS : outlier;
        retries = retries == null ? Retries.DEFAULTS : retries;
        limits = limits == null ? Limits.NONE : limits;
        timeouts = timeouts == null ? Timeouts.INHERIT : timeouts;
    }

    private static String policy(String p) {
        if (!POLICIES.contains(p)) {
            throw new IllegalArgumentException("balance: '" + p
                    + "' (expected: round_robin, least_outstanding, p2c_ewma, hash or random)");
        }
        return p;
    }

    private static String hashKey(String k) {
        if (!validHashKey(k)) {
            throw new IllegalArgumentException("hash_key: '" + k + "' (expected: address, header:NAME or cookie:NAME)");
        }
        return k;
    }

    private static boolean validHashKey(String k) {
        if (k.equals("address")) {
            return true;
        }
        String rest = k.startsWith("header:") ? k.substring(7) : k.startsWith("cookie:") ? k.substring(7) : null;
        return rest != null && !rest.isEmpty() && rest.chars().allMatch(c -> c > ' ' && c < 127 && c != ':' && c != ';');
    }

    /** A group without TLS to its servers. */
    public OriginGroupConfig(String name, List<Server> members, String hostHeader, String balance, String hashKey,
                             Duration slowStart, HealthCheck healthCheck, Outlier outlier, Retries retries, Limits limits,
                             Timeouts timeouts) {
        this(name, members, hostHeader, balance, hashKey, slowStart, healthCheck, outlier, retries, limits, timeouts, null);
    }

    public OriginGroupConfig withTls(OriginTlsConfig t) {
        return new OriginGroupConfig(name, members, hostHeader, balance, hashKey, slowStart, healthCheck, outlier, retries,
                limits, timeouts, t);
    }

    /** A group with weight 1 everywhere and every other setting at its default. */
    public OriginGroupConfig(String name, List<HostPort> servers, String hostHeader, String balance) {
        this(name, weighted(servers), hostHeader, balance, null, null, null, null, null, null, null);
    }

    public static OriginGroupConfig of(String name, List<HostPort> servers) {
        return new OriginGroupConfig(name, weighted(servers), null, null, null, null, null, null, null, null, null);
    }

    /** Every server with weight 1. */
    public static List<Server> weighted(List<HostPort> servers) {
        List<Server> out = new ArrayList<>(servers == null ? 0 : servers.size());
        if (servers != null) {
            for (HostPort hp : servers) {
                out.add(new Server(hp, 1));
            }
        }
        return out;
    }

    /** The servers' addresses, in the configured order. */
    public List<HostPort> servers() {
        List<HostPort> out = new ArrayList<>(members.size());
        for (Server s : members) {
            out.add(s.address());
        }
        return List.copyOf(out);
    }

    public OriginGroupConfig withBalance(String newBalance, String newHashKey) {
        return new OriginGroupConfig(name, members, hostHeader, newBalance, newHashKey, slowStart, healthCheck, outlier,
                retries, limits, timeouts, tls);
    }

    public OriginGroupConfig withMembers(List<Server> newMembers) {
        return new OriginGroupConfig(name, newMembers, hostHeader, balance, hashKey, slowStart, healthCheck, outlier,
                retries, limits, timeouts, tls);
    }

    public OriginGroupConfig withSlowStart(Duration d) {
        return new OriginGroupConfig(name, members, hostHeader, balance, hashKey, d, healthCheck, outlier, retries,
                limits, timeouts, tls);
    }

    public OriginGroupConfig withHealthCheck(HealthCheck h) {
        return new OriginGroupConfig(name, members, hostHeader, balance, hashKey, slowStart, h, outlier, retries,
                limits, timeouts, tls);
    }

    public OriginGroupConfig withOutlier(Outlier o) {
        return new OriginGroupConfig(name, members, hostHeader, balance, hashKey, slowStart, healthCheck, o, retries,
                limits, timeouts, tls);
    }

    public OriginGroupConfig withRetries(Retries r) {
        return new OriginGroupConfig(name, members, hostHeader, balance, hashKey, slowStart, healthCheck, outlier, r,
                limits, timeouts, tls);
    }

    public OriginGroupConfig withLimits(Limits l) {
        return new OriginGroupConfig(name, members, hostHeader, balance, hashKey, slowStart, healthCheck, outlier,
                retries, l, timeouts, tls);
    }

    static OriginGroupConfig from(String name, ConfigNode n) {
        List<Server> servers = new ArrayList<>();
        ConfigNode s = n.get("servers");
        if (s == null) {
            n.problem("servers: missing (expected: a list of host:port)");
        } else {
            for (ConfigNode item : s.items()) {
                Server server = server(item);
                if (server != null) {
                    servers.add(server);
                }
            }
        }
        String host = n.string("host_header", null);
        String balance = n.parsed("balance", OriginGroupConfig::policy, "round_robin");
        String hashKey = n.parsed("hash_key", OriginGroupConfig::hashKey, null);
        Duration slowStart = n.duration("slow_start", Duration.ZERO);
        HealthCheck hc = section(n, "health_check", OriginGroupConfig::healthCheck, null);
        Outlier outlier = section(n, "outlier", OriginGroupConfig::outlier, Outlier.DEFAULTS);
        Retries retries = section(n, "retries", OriginGroupConfig::retries, Retries.DEFAULTS);
        Limits limits = section(n, "limits", OriginGroupConfig::limits, Limits.NONE);
        Timeouts timeouts = section(n, "timeouts", OriginGroupConfig::timeouts, Timeouts.INHERIT);
        ConfigNode tn = n.get("tls");
        OriginTlsConfig tls = tn == null ? null : OriginTlsConfig.from(tn);
        n.finish();
        if (servers.isEmpty()) {
            return null;
        }
        return n.build(() -> new OriginGroupConfig(name, servers, host, balance, hashKey, slowStart, hc, outlier, retries,
                limits, timeouts, tls), null);
    }

    private static <T> T section(ConfigNode parent, String key, java.util.function.Function<ConfigNode, T> reader, T fallback) {
        ConfigNode c = parent.get(key);
        if (c == null) {
            return fallback;
        }
        if (!c.isMapping()) {
            c.problem("expected a mapping");
            return fallback;
        }
        T v = reader.apply(c);
        return v == null ? fallback : v;
    }

    private static Server server(ConfigNode item) {
        if (item.isScalar()) {
            HostPort hp = item.as(HostPort::parse, null);
            return hp == null ? null : new Server(hp, 1);
        }
        if (!item.isMapping()) {
            item.problem("expected host:port or {address: host:port, weight: N}");
            return null;
        }
        HostPort hp = item.parsed("address", HostPort::parse, null);
        if (hp == null && !item.has("address")) {
            item.problem("address: missing (expected: host:port)");
        }
        int weight = (int) item.number("weight", 1, 1000, 1);
        item.finish();
        return hp == null ? null : item.build(() -> new Server(hp, weight), null);
    }

    private static HealthCheck healthCheck(ConfigNode n) {
        HealthCheck d = HealthCheck.DEFAULTS;
        String path = n.string("path", d.path());
        int expect = (int) n.number("expect_status", 0, 599, d.expectStatus());
        Duration interval = n.duration("interval", d.interval());
        Duration timeout = n.duration("timeout", d.timeout());
        int rise = (int) n.number("rise", 1, 100, d.rise());
        int fall = (int) n.number("fall", 1, 100, d.fall());
        n.finish();
        return n.build(() -> new HealthCheck(path, expect, interval, timeout, rise, fall), null);
    }

    private static Outlier outlier(ConfigNode n) {
        Outlier d = Outlier.DEFAULTS;
        int failures = (int) n.number("consecutive_failures", 0, 1000, d.consecutiveFailures());
        Duration base = n.duration("base_ejection", d.baseEjection());
        Duration max = n.duration("max_ejection", d.maxEjection());
        n.finish();
        return n.build(() -> new Outlier(failures, base, max), null);
    }

    private static Retries retries(ConfigNode n) {
        Retries d = Retries.DEFAULTS;
        int attempts = (int) n.number("attempts", 1, 10, d.attempts());
        int percent = (int) n.number("budget_percent", 0, 100, d.budgetPercent());
        int min = (int) n.number("min_per_second", 0, 100_000, d.minPerSecond());
        n.finish();
        return n.build(() -> new Retries(attempts, percent, min), null);
    }

    private static Limits limits(ConfigNode n) {
        int mc = (int) n.number("max_connections", 0, 1_000_000, 0);
        int mp = (int) n.number("max_pending", 0, 1_000_000, 0);
        int gmc = (int) n.number("group_max_connections", 0, 10_000_000, 0);
        int gmp = (int) n.number("group_max_pending", 0, 10_000_000, 0);
        n.finish();
        return n.build(() -> new Limits(mc, mp, gmc, gmp), null);
    }

    private static Timeouts timeouts(ConfigNode n) {
        Duration connect = n.duration("connect", null);
        Duration header = n.duration("response_header", null);
        Duration idle = n.duration("idle", null);
        n.finish();
        return n.build(() -> new Timeouts(connect, header, idle), null);
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + ": " + d + " (expected: > 0)");
        }
    }
}
