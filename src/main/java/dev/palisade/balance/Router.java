package dev.palisade.balance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.palisade.config.OriginGroupConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.config.RouteConfig;

/**
 * Finds the route, and with it the origin group, for a request's host and path. The routes are
 * immutable; the groups carry the live balancing state, which a reload hands over from the previous
 * router so servers do not forget that they are down or ejected.
 */
public final class Router {

    /** A matched route and the group it sends to. */
    public record Match(RouteConfig route, OriginGroup group) {}

    private final List<Match> routes;
    private final Map<String, OriginGroup> groups;

    public Router(PalisadeConfig config) {
        this(config, null, System::nanoTime);
    }

    /** A router for a reload: groups of the same name take over the state of {@code previous}'s. */
    public Router(PalisadeConfig config, Router previous) {
        this(config, previous, System::nanoTime);
    }

    public Router(PalisadeConfig config, Router previous, LongSupplier clock) {
        Map<String, OriginGroup> g = new LinkedHashMap<>();
        for (OriginGroupConfig c : config.origins().values()) {
            OriginGroup old = previous == null ? null : previous.groups.get(c.name());
            g.put(c.name(), new OriginGroup(c, old, clock));
        }
        List<Match> r = new ArrayList<>();
        for (RouteConfig rc : config.effectiveRoutes()) {
            r.add(new Match(rc, g.get(rc.group())));
        }
        this.groups = Map.copyOf(g);
        this.routes = List.copyOf(r);
    }

    public Map<String, OriginGroup> groups() {
        return groups;
    }

    /** Every group's state, for logs, metrics and the dashboard. */
    public List<GroupSnapshot> snapshot() {
        List<GroupSnapshot> out = new ArrayList<>();
        for (OriginGroup g : groups.values()) {
            out.add(g.snapshot());
        }
        return out;
    }

    /** The first route matching {@code hostHeader} (port removed, case folded) and {@code path}, or null. */
    public Match route(String hostHeader, String path) {
        String host = hostOnly(hostHeader);
        for (int i = 0; i < routes.size(); i++) {
            Match m = routes.get(i);
            if (m.route().matches(host, path)) {
                return m;
            }
        }
        return null;
    }

    static String hostOnly(String h) {
        if (h == null || h.isEmpty()) {
            return "";
        }
        int end = h.length();
        if (h.charAt(0) == '[') {
            int close = h.indexOf(']');
            end = close < 0 ? end : close + 1;
        } else {
            int colon = h.indexOf(':');
            end = colon < 0 ? end : colon;
        }
        String host = h.substring(0, end);
        for (int i = 0; i < host.length(); i++) {
            if (Character.isUpperCase(host.charAt(i))) {
                return host.toLowerCase(Locale.ROOT);
            }
        }
        return host;
    }
}
