package dev.palisade.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rule engine's settings.
 *
 * @param dir              the directory of {@code *.rules} files, loaded in file-name order
 * @param mode             block (act on rules), detect (log only) or off
 * @param anomalyThreshold the summed {@code score} at which a request is blocked at the end of evaluation
 * @param blockStatus      the status of a block that names none, and of an anomaly-score block
 * @param bodyLimit        request body bytes the rules may inspect, 0 to inspect no body
 * @param exclusions       rule ids or fields turned off for a host and path prefix
 */
public record RulesConfig(Path dir, String mode, int anomalyThreshold, int blockStatus, long bodyLimit,
                          List<Exclusion> exclusions) {

    public static final RulesConfig DEFAULTS = new RulesConfig(Path.of("rules"), "block");

    public static final int DEFAULT_THRESHOLD = 5;
    public static final int DEFAULT_STATUS = 403;
    public static final long DEFAULT_BODY_LIMIT = 16 * 1024;

    public RulesConfig {
        if (dir == null) {
            throw new IllegalArgumentException("dir: missing (expected: a directory of .rules files)");
        }
        mode = mode == null ? "block" : mode.toLowerCase(Locale.ROOT);
        if (!(mode.equals("block") || mode.equals("detect") || mode.equals("off"))) {
            throw new IllegalArgumentException("mode: '" + mode + "' (expected: block, detect or off)");
        }
        if (anomalyThreshold < 1) {
            throw new IllegalArgumentException("anomaly_threshold: " + anomalyThreshold + " (expected: > 0)");
        }
        if (blockStatus < 400 || blockStatus > 599) {
            throw new IllegalArgumentException("block_status: " + blockStatus + " (expected: 400..599)");
        }
        if (bodyLimit < 0 || bodyLimit > 16L * 1024 * 1024) {
            throw new IllegalArgumentException("body_limit: " + bodyLimit + " (expected: 0..16m bytes)");
        }
        exclusions = exclusions == null ? List.of() : List.copyOf(exclusions);
    }

    /** The common case: a directory and a mode, every other setting at its default. */
    public RulesConfig(Path dir, String mode) {
        this(dir, mode, DEFAULT_THRESHOLD, DEFAULT_STATUS, DEFAULT_BODY_LIMIT, List.of());
    }

    public static RulesConfig of(Path dir, String mode) {
        return new RulesConfig(dir, mode);
    }

    public RulesConfig withMode(String newMode) {
        return new RulesConfig(dir, newMode, anomalyThreshold, blockStatus, bodyLimit, exclusions);
    }

    public RulesConfig withExclusions(List<Exclusion> newExclusions) {
        return new RulesConfig(dir, mode, anomalyThreshold, blockStatus, bodyLimit, newExclusions);
    }

    public RulesConfig withBodyLimit(long newLimit) {
        return new RulesConfig(dir, mode, anomalyThreshold, blockStatus, newLimit, exclusions);
    }

    public RulesConfig withAnomalyThreshold(int newThreshold) {
        return new RulesConfig(dir, mode, newThreshold, blockStatus, bodyLimit, exclusions);
    }

    /**
     * Turns rules or fields off for requests to a host and path prefix, so a false positive can be fixed
     * without editing the shipped rule files. The path is compared after percent-decoding and path
     * normalization, so {@code /upload/../admin} does not borrow the exclusions of {@code /upload}.
     *
     * @param host       a host name, {@code *.suffix}, or {@code *} for any
     * @param pathPrefix a path prefix starting with '/'
     * @param rules      rule ids or numeric ranges ({@code 3000-3999}); empty means every rule
     * @param fields     field names ({@code args}, {@code args:comment}, {@code headers:referer}); empty
     *                   means the whole rule is off
     */
    public record Exclusion(String host, String pathPrefix, List<String> rules, List<String> fields) {

        public Exclusion {
            host = host == null || host.isBlank() ? "*" : host.toLowerCase(Locale.ROOT);
            pathPrefix = pathPrefix == null || pathPrefix.isEmpty() ? "/" : pathPrefix;
            if (!pathPrefix.startsWith("/")) {
                throw new IllegalArgumentException("path_prefix: '" + pathPrefix + "' (expected: a path starting with /)");
            }
            rules = rules == null ? List.of() : List.copyOf(rules);
            fields = fields == null ? List.of() : fields.stream().map(f -> f.toLowerCase(Locale.ROOT)).toList();
            if (rules.isEmpty() && fields.isEmpty()) {
                throw new IllegalArgumentException("exclusion: neither rules nor fields (expected: at least one)");
            }
            for (String r : rules) {
                if (!r.matches("[A-Za-z0-9_.-]+")) {
                    throw new IllegalArgumentException("rules: '" + r + "' (expected: a rule id or a range like 3000-3999)");
                }
            }
        }

        /** Whether this exclusion applies to a request for {@code hostLower} and a normalized {@code path}. */
        public boolean appliesTo(String hostLower, String path) {
            return path.startsWith(pathPrefix) && RouteConfig.hostMatches(host, hostLower);
        }

        /** Whether rule {@code id} is covered: listed, inside a listed range, or every rule when none are listed. */
        public boolean coversRule(String id) {
            if (rules.isEmpty()) {
                return true;
            }
            for (String r : rules) {
                if (r.equals(id)) {
                    return true;
                }
                int dash = r.indexOf('-');
                if (dash > 0 && isDigits(id)) {
                    String lo = r.substring(0, dash);
                    String hi = r.substring(dash + 1);
                    if (isDigits(lo) && isDigits(hi) && id.length() < 19 && lo.length() < 19 && hi.length() < 19) {
                        long v = Long.parseLong(id);
                        if (v >= Long.parseLong(lo) && v <= Long.parseLong(hi)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        /** Whether a value named {@code valueName} ({@code args:q}) is covered by one of the listed fields. */
        public boolean coversField(String valueName) {
            for (String f : fields) {
                if (valueName.equals(f) || (valueName.startsWith(f) && valueName.length() > f.length()
                        && valueName.charAt(f.length()) == ':')) {
                    return true;
                }
            }
            return false;
        }

        private static boolean isDigits(String s) {
            if (s.isEmpty()) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                    return false;
                }
            }
            return true;
        }

        static Exclusion from(ConfigNode n) {
            String host = n.string("host", "*");
            String prefix = n.string("path_prefix", "/");
            List<String> rules = n.strings("rules");
            List<String> fields = n.strings("fields");
            n.finish();
            return n.build(() -> new Exclusion(host, prefix, rules, fields), null);
        }
    }

    RulesConfig resolve(Path base) {
        return base == null ? this
                : new RulesConfig(ConfigLoader.resolve(base, dir.toString()), mode, anomalyThreshold, blockStatus,
                        bodyLimit, exclusions);
    }

    static RulesConfig from(ConfigNode n, Path base) {
        String dir = n.string("dir", "rules");
        String mode = n.string("mode", "block");
        int threshold = (int) n.number("anomaly_threshold", 1, 1_000_000, DEFAULT_THRESHOLD);
        int status = (int) n.number("block_status", 400, 599, DEFAULT_STATUS);
        long body = n.size("body_limit", 0, 16L * 1024 * 1024, DEFAULT_BODY_LIMIT);
        List<Exclusion> exclusions = new ArrayList<>();
        ConfigNode ex = n.get("exclusions");
        if (ex != null) {
            for (ConfigNode item : ex.items()) {
                if (!item.isMapping()) {
                    item.problem("expected an exclusion (host, path_prefix, rules, fields)");
                    continue;
                }
                Exclusion e = Exclusion.from(item);
                if (e != null) {
                    exclusions.add(e);
                }
            }
        }
        n.finish();
        return n.build(() -> new RulesConfig(ConfigLoader.resolve(base, dir), mode, threshold, status, body, exclusions),
                DEFAULTS);
    }
}
