package dev.palisade.balance;

import dev.palisade.config.OriginGroupConfig;

/** The balancing policies by the name the config file uses, in one visible list. */
final class Policies {

    private Policies() {
    }

    static Policy create(OriginGroupConfig config, Origin[] origins) {
        switch (config.balance()) {
            case "round_robin":
                return new RoundRobinPolicy(origins.length);
            case "least_outstanding":
                return new LeastOutstandingPolicy();
            case "p2c_ewma":
                return new P2cEwmaPolicy();
            case "hash":
                return new HashPolicy(config.hashKey(), origins);
            case "random":
                return new RandomPolicy();
            default:
                throw new IllegalArgumentException("balance: '" + config.balance() + "' is not a policy");
        }
    }
}
