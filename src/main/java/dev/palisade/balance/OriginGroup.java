package dev.palisade.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.palisade.config.HostPort;
import dev.palisade.config.OriginGroupConfig;
import dev.palisade.pipeline.Exchange;

/**
 * The servers of one origin group and the policy that picks one per request. Shared by every event
 * loop, so its state is atomic.
 */
public final class OriginGroup {

    private final OriginGroupConfig config;
    private final List<HostPort> servers;
    private final AtomicInteger next = new AtomicInteger();

    public OriginGroup(OriginGroupConfig config) {
        this.config = config;
        this.servers = config.servers();
    }

    public String name() {
        return config.name();
    }

    public OriginGroupConfig config() {
        return config;
    }

    public List<HostPort> servers() {
        return servers;
    }

    /** Round robin over the group's servers. */
    public HostPort pick(Exchange ex) {
        int n = servers.size();
        return n == 1 ? servers.get(0) : servers.get(Math.floorMod(next.getAndIncrement(), n));
    }

    /**
     * Another server for a retry: the one after {@code failed} in the list, or {@code failed} itself when
     * it is the only one.
     */
    public HostPort pickOther(Exchange ex, HostPort failed) {
        int i = servers.indexOf(failed);
        return servers.get(i < 0 ? 0 : (i + 1) % servers.size());
    }
}
