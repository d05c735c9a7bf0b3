package dev.palisade.server.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.palisade.balance.GroupSnapshot;
import dev.palisade.observe.LiveStats;
import dev.palisade.observe.Metrics;

/**
 * What the admin listener asks of the running server, as callbacks, so this package never reaches into
 * the server's internals.
 *
 * @param metrics      the registry /metrics serves and the dashboard reads
 * @param listening    true while every proxy listener is bound and the server is not draining
 * @param originState  every origin group and server, as the balancer sees it now
 * @param reloader     reloads config, rules and certificates; called off the event loop
 * @param bans         the ban list
 */
public record AdminHooks(Metrics metrics, BooleanSupplier listening, Supplier<List<GroupSnapshot>> originState,
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

    /** Every origin server with its health, load and latency, for the dashboard. */
    List<LiveStats.OriginState> origins() {
        List<LiveStats.OriginState> out = new ArrayList<>();
        for (GroupSnapshot g : originState.get()) {
            for (GroupSnapshot.Server s : g.servers()) {
                out.add(new LiveStats.OriginState(g.name(), s.address(), s.state(), s.pending(), s.ejections(),
                        s.latencyMillis()));
            }
        }
        return out;
    }

    /** Why the server is not ready; empty when it is: listeners bound, each group with a server up. */
    List<String> notReady() {
        List<String> problems = new ArrayList<>();
        if (!listening.getAsBoolean()) {
            problems.add("listeners are not bound (starting or shutting down)");
        }
        for (GroupSnapshot g : originState.get()) {
            if (g.count("up") + g.count("slow_start") == 0) {
                problems.add("origin group '" + g.name() + "' has no healthy server");
            }
        }
        return problems;
    }
}
