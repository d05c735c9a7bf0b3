package dev.palisade.config;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The admin listener: metrics, health, the admin API and the dashboard, on its own port.
 *
 * @param enabled      whether the admin listener runs
 * @param bind         where it listens; 127.0.0.1 unless the operator means otherwise
 * @param token        the bearer token for /admin/* calls, or null
 * @param tokenEnv     the environment variable that holds the token, or null; used when {@code token} is not set
 * @param allowedHosts host names (besides IP literals, localhost and the bind host) the admin listener
 *                     answers to, so a DNS-rebinding page cannot read it through a name of its own
 */
public record AdminConfig(boolean enabled, HostPort bind, String token, String tokenEnv, List<String> allowedHosts) {

    public static final HostPort DEFAULT_BIND = new HostPort("127.0.0.1", 9901);
    /** What a config file without {@code admin:} gets: on, at 127.0.0.1:9901, no token (admin calls refused). */
    public static final AdminConfig DEFAULTS = new AdminConfig(true, DEFAULT_BIND, null, null, List.of());
    /** Configs built in code (the one-line proxy, tests) have no admin listener unless they ask. */
    public static final AdminConfig DISABLED = new AdminConfig(false, DEFAULT_BIND, null, null, List.of());

    public AdminConfig {
        if (bind == null) {
            throw new IllegalArgumentException("bind: missing (expected: host:port)");
        }
        token = token == null || token.isEmpty() ? null : token;
        tokenEnv = tokenEnv == null || tokenEnv.isEmpty() ? null : tokenEnv;
        if (token != null && token.length() < 16) {
            throw new IllegalArgumentException("token: too short (expected: at least 16 characters)");
        }
        if (token != null && !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("token: only visible ASCII characters are allowed");
        }
        allowedHosts = allowedHosts == null ? List.of()
                : allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    /** The admin listener on {@code bind} with a fresh random token (the demo prints it). */
    public static AdminConfig withRandomToken(HostPort bind) {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return new AdminConfig(true, bind, HexFormat.of().formatHex(b), null, List.of());
    }

    /** The token in force: {@code token}, else the value of {@code token_env}; null when neither is set. */
    public String effectiveToken() {
        if (token != null) {
            return token;
        }
        if (tokenEnv != null) {
            String v = System.getenv(tokenEnv);
            return v == null || v.length() < 16 ? null : v;
        }
        return null;
    }

    static AdminConfig from(ConfigNode n) {
        boolean enabled = n.bool("enabled", true);
        HostPort bind = n.parsed("bind", HostPort::parse, DEFAULT_BIND);
        String token = n.string("token", null);
        String tokenEnv = n.string("token_env", null);
        List<String> hosts = n.strings("allowed_hosts");
        if (token != null && tokenEnv != null) {
            n.get("token_env").problem("give either token or token_env, not both");
        }
        if (tokenEnv != null && !tokenEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            n.get("token_env").problem("'" + tokenEnv + "' (expected: an environment variable name)");
        }
        n.finish();
        return n.build(() -> new AdminConfig(enabled, bind, token, tokenEnv, hosts), DEFAULTS);
    }
}
