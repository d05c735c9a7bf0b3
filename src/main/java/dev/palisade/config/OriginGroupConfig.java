package dev.palisade.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of origin servers that serve the same content.
 *
 * @param name       the group's name, used by routes
 * @param servers    at least one server
 * @param hostHeader the Host sent to the origin; null keeps the client's Host
 * @param balance    the balancing policy name (round_robin for now)
 */
public record OriginGroupConfig(String name, List<HostPort> servers, String hostHeader, String balance) {

    public OriginGroupConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: empty (expected: a group name)");
        }
        if (servers == null || servers.isEmpty()) {
            throw new IllegalArgumentException("servers: empty (expected: at least one host:port)");
        }
        servers = List.copyOf(servers);
        balance = balance == null ? "round_robin" : balance;
        if (!balance.equals("round_robin")) {
            throw new IllegalArgumentException("balance: '" + balance + "' (expected: round_robin)");
        }
    }

    public static OriginGroupConfig of(String name, List<HostPort> servers) {
        return new OriginGroupConfig(name, servers, null, null);
    }

    static OriginGroupConfig from(String name, ConfigNode n) {
        List<HostPort> servers = new ArrayList<>();
        ConfigNode s = n.get("servers");
        if (s == null) {
            n.problem("servers: missing (expected: a list of host:port)");
        } else {
            for (ConfigNode item : s.items()) {
                HostPort hp = item.as(HostPort::parse, null);
                if (hp != null) {
                    servers.add(hp);
                }
            }
        }
        String host = n.string("host_header", null);
        String balance = n.string("balance", "round_robin");
        n.finish();
        if (servers.isEmpty()) {
            return null;
        }
        return n.build(() -> new OriginGroupConfig(name, servers, host, balance), null);
    }
}
