package dev.palisade.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration, immutable and validated. Reload builds a new one and swaps it whole.
 *
 * @param source     the file it came from, or null when built in code (demo, one-line proxy)
 * @param listeners  at least one listener, names unique
 * @param routes     tried in order; every group named must exist
 * @param origins    origin groups by name
 * @param timeouts   every timer
 * @param limits     request limits
 * @param forwarding what the origin learns about the client
 * @param log        log destinations
 * @param rules      the rule engine: where the rule files are and how they act
 * @param guard      connection gate, slow-client defences and rate limits
 * @param headers    request and response header policy
 * @param admin      the admin listener (metrics, health, admin API, dashboard)
 * @param cluster    distributed mode (buckets and bans shared through Redis), or null for a node on its own
 */
public record PalisadeConfig(Path source, List<ListenerConfig> listeners, List<RouteConfig> routes,
                             Map<String, OriginGroupConfig> origins, TimeoutsConfig timeouts, LimitsConfig limits,
                             ForwardingConfig forwarding, LogConfig log, RulesConfig rules,
                             GuardConfig guard, HeadersConfig headers, AdminConfig admin, ClusterConfig cluster) {

    /** A node on its own (no {@code cluster:} section). */
    public PalisadeConfig(Path source, List<ListenerConfig> listeners, List<RouteConfig> routes,
                          Map<String, OriginGroupConfig> origins, TimeoutsConfig timeouts, LimitsConfig limits,
                          ForwardingConfig forwarding, LogConfig log, RulesConfig rules, GuardConfig guard,
                          HeadersConfig headers, AdminConfig admin) {
        this(source, listeners, routes, origins, timeouts, limits, forwarding, log, rules, guard, headers, admin, null);
    }

    /** Without an admin section: configs built in code get no admin listener. */
    public PalisadeConfig(Path source, List<ListenerConfig> listeners, List<RouteConfig> routes,
                          Map<String, OriginGroupConfig> origins, TimeoutsConfig timeouts, LimitsConfig limits,
                          ForwardingConfig forwarding, LogConfig log, RulesConfig rules, GuardConfig guard,
                          HeadersConfig headers) {
        this(source, listeners, routes, origins, timeouts, limits, forwarding, log, rules, guard, headers, null);
    }

    public PalisadeConfig {
        if (listeners == null || listeners.isEmpty()) {
            throw new IllegalArgumentException("listeners: empty (expected: at least one listener)");
        }
        if (origins == null || origins.isEmpty()) {
            throw new IllegalArgumentException("origins: empty (expected: at least one origin group)");
        }
        listeners = List.copyOf(listeners);
        routes = List.copyOf(routes == null ? List.of() : routes);
        origins = Map.copyOf(origins);
        Set<String> names = new HashSet<>();
        for (ListenerConfig l : listeners) {
            if (!names.add(l.name())) {
                throw new IllegalArgumentException("listeners: the name '" + l.name() + "' is used twice");
            }
        }
        for (RouteConfig r : routes) {
            if (!origins.containsKey(r.group())) {
                throw new IllegalArgumentException("routes: route '" + r.name() + "' names the group '" + r.group()
                        + "' (expected one of: " + String.join(", ", new java.util.TreeSet<>(origins.keySet())) + ")");
            }
        }
        timeouts = timeouts == null ? TimeoutsConfig.DEFAULTS : timeouts;
        limits = limits == null ? LimitsConfig.DEFAULTS : limits;
        forwarding = forwarding == null ? ForwardingConfig.DEFAULTS : forwarding;
        log = log == null ? LogConfig.DEFAULTS : log;
        rules = rules == null ? RulesConfig.DEFAULTS : rules;
        guard = guard == null ? GuardConfig.DEFAULTS : guard;
        headers = headers == null ? HeadersConfig.DEFAULTS : headers;
        admin = admin == null ? AdminConfig.DISABLED : admin;
        cluster = cluster != null && cluster.enabled() ? cluster : null;
    }

    /** One listener, one group, one catch-all route: the one-line proxy and the demo. */
    public static PalisadeConfig simple(HostPort listen, List<HostPort> servers) {
        return new PalisadeConfig(null, List.of(ListenerConfig.plain("http", listen)),
                List.of(new RouteConfig("default", "*", "/", "default")),
                Map.of("default", OriginGroupConfig.of("default", servers)),
                null, null, null, null, null, null, null);
    }

    /** The routes to use: the configured ones, or a catch-all to the only group when none are given. */
    public List<RouteConfig> effectiveRoutes() {
        if (!routes.isEmpty() || origins.size() != 1) {
            return routes;
        }
        return List.of(new RouteConfig("default", "*", "/", origins.keySet().iterator().next()));
    }

    public PalisadeConfig withListeners(List<ListenerConfig> newListeners) {
        return new PalisadeConfig(source, newListeners, routes, origins, timeouts, limits, forwarding, log, rules, guard, headers, admin, cluster);
    }

    public PalisadeConfig withLimits(LimitsConfig newLimits) {
        return new PalisadeConfig(source, listeners, routes, origins, timeouts, newLimits, forwarding, log, rules, guard,
                headers, admin, cluster);
    }

    public PalisadeConfig withTimeouts(TimeoutsConfig newTimeouts) {
        return new PalisadeConfig(source, listeners, routes, origins, newTimeouts, limits, forwarding, log, rules, guard, headers, admin, cluster);
    }

    public PalisadeConfig withForwarding(ForwardingConfig newForwarding) {
        return new PalisadeConfig(source, listeners, routes, origins, timeouts, limits, newForwarding, log, rules, guard, headers, admin, cluster);
    }

    public PalisadeConfig withLog(LogConfig newLog) {
        return new PalisadeConfig(source, listeners, routes, origins, timeouts, limits, forwarding, newLog, rules, guard, headers, admin, cluster);
    }

    public PalisadeConfig withRules(RulesConfig newRules) {
        return new PalisadeConfig(source, listeners, routes, origins, timeouts, limits, forwarding, log, newRules, guard, headers, admin, cluster);
    }

    public PalisadeConfig withGuard(GuardConfig newGuard) {
        return new PalisadeConfig(source, listeners, routes, origins, timeouts, limits, forwarding, log, rules, newGuard, headers, admin, cluster);
    }

    public PalisadeConfig withHeaders(HeadersConfig newHeaders) {
        return new PalisadeConfig(source, listeners, routes, origins, timeouts, limits, forwarding, log, rules, guard, newHeaders, admin, cluster);
    }

    public PalisadeConfig withAdmin(AdminConfig newAdmin) {
        return new PalisadeConfig(source, listeners, routes, origins, timeouts, limits, forwarding, log, rules, guard, headers,
                newAdmin, cluster);
    }
}
