package dev.palisade.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The rule engine's settings.
 *
 * @param dir  the directory of {@code *.rules} files, loaded in file-name order
 * @param mode block (act on rules), detect (log only) or off
 */
public record RulesConfig(Path dir, String mode) {

    public static final RulesConfig DEFAULTS = new RulesConfig(Path.of("rules"), "block");

    public RulesConfig {
        if (dir == null) {
            throw new IllegalArgumentException("dir: missing (expected: a directory of .rules files)");
        }
        mode = mode == null ? "block" : mode.toLowerCase(Locale.ROOT);
        if (!(mode.equals("block") || mode.equals("detect") || mode.equals("off"))) {
            throw new IllegalArgumentException("mode: '" + mode + "' (expected: block, detect or off)");
        }
    }

    RulesConfig resolve(Path base) {
        return base == null ? this : new RulesConfig(ConfigLoader.resolve(base, dir.toString()), mode);
    }

    static RulesConfig from(ConfigNode n, Path base) {
        String dir = n.string("dir", "rules");
        String mode = n.string("mode", "block");
        n.finish();
        return n.build(() -> new RulesConfig(ConfigLoader.resolve(base, dir), mode), DEFAULTS);
    }
}
