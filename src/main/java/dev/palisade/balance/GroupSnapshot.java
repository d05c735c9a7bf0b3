package dev.palisade.balance;

import java.util.List;

/**
 * The state of one origin group at one moment, for logs, metrics and the dashboard. Immutable.
 *
 * @param name    the group's name
 * @param policy  the balancing policy
 * @param pending requests sent and not yet answered, over the group
 * @param inUse   connections in use, over the group
 * @param servers one entry per server (per resolved address for a DNS name)
 */
public record GroupSnapshot(String name, String policy, int pending, int inUse, List<Server> servers) {

    /**
     * One server.
     *
     * @param address             the address connected to
     * @param configured          the server as written in the config
     * @param weight              the configured weight
     * @param state               up | slow_start | ejected | down
     * @param pending             requests not yet answered
     * @param inUse               connections in use
     * @param consecutiveFailures the current run of failures
     * @param ejections           how often outlier detection ejected it
     * @param ejectedForMillis    what is left of the current ejection
     * @param latencyMillis       the peak-EWMA latency estimate
     */
    public record Server(String address, String configured, int weight, String state, int pending, int inUse,
                         int consecutiveFailures, int ejections, long ejectedForMillis, double latencyMillis) {}

    /** The servers in a state, e.g. {@code count("up")}. */
    public long count(String state) {
        return servers.stream().filter(s -> s.state().equals(state)).count();
    }
}
