package dev.palisade.config;

/**
 * The protection layer: connection gate, slow-client defences, rate limits.
 *
 * @param enabled whether the connection gate runs
 */
public record GuardConfig(boolean enabled) {

    public static final GuardConfig DEFAULTS = new GuardConfig(true);

    static GuardConfig from(ConfigNode n) {
        boolean enabled = n.bool("enabled", true);
        n.finish();
        return new GuardConfig(enabled);
    }
}
