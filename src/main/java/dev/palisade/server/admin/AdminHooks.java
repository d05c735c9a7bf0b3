package dev.palisade.server.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.palisade.observe.LiveStats;
import dev.palisade.observe.Metrics;

/**
 * What the admin listener asks of the running server, as callbacks, so this package never reaches into
 * the server's internals.
 *
 * @param metrics      the registry /metrics serves and the dashboard reads
 * @param listening    true while every proxy listener is bound and the server is not draining
 * @param originGroups the configured origin groups and their servers ("host:port"), of the current config
 * @param reloader     reloads config, rules and certificates; called off the event loop
 * @param bans         the ban list
 */
public record AdminHooks(Metrics metrics, BooleanSupplier listening, Supplier<Map<String, List<String>>> originGroups,
                         Reloader reloader, BanAdmin bans) {

    /** Reloads the running configuration; never throws, a refusal is a result. */
    @FunctionalInterface
    public interface Reloader {
        ReloadResult reload();
    }

    /** How a reload went: {@code error} says why a refused one was refused. */
    public record ReloadResult(boolean ok, String error) {
        public static final ReloadResult OK = new ReloadResult(true, "");

        public static ReloadResult refused(String error) {
            return new ReloadResult(false, error == null ? "refused" : error);
        }
    }

    public AdminHooks {
        bans = bans == null ? BanAdmin.NONE : bans;
    }

    /**
     * Every origin server with its health: {@code down} when the balancer reported it ejected, {@code up}
     * when reported healthy, {@code unknown} when nothing was reported (no health checks yet).
     */
    List<LiveStats.OriginState> origins() {
        List<LiveStats.OriginState> out = new ArrayList<>();
        originGroups.get().forEach((group, servers) -> {
            for (String s : servers) {
                Boolean up = metrics.originUp(group, s);
                out.add(new LiveStats.OriginState(group, s, up == null ? "unknown" : up ? "up" : "down"));
            }
        });
        return out;
    }

    /** Why the server is not ready; empty when it is: listeners bound, each group with a server not down. */
    List<String> notReady() {
        List<String> problems = new ArrayList<>();
        if (!listening.getAsBoolean()) {
            problems.add("listeners are not bound (starting or shutting down)");
        }
        originGroups.get().forEach((group, servers) -> {
            boolean any = false;
            for (String s : servers) {
                any |= !Boolean.FALSE.equals(metrics.originUp(group, s));
            }
            if (!any) {
                problems.add("origin group '" + group + "' has no healthy server");
            }
        });
        return problems;
    }
}
