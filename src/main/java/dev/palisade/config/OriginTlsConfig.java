package dev.palisade.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * TLS from Palisade to the servers of one origin group. Verification is on by default: the server's chain
 * is checked against the system trust store (or {@code ca_file}) and its name against {@code server_name}
 * (or the host the server is configured by), which is also sent as SNI. Turning verification off takes the
 * explicit {@code insecure_skip_verify: true}, which {@code palisade check} and the start-up log warn about.
 *
 * <pre>
 * origins:
 *   app:
 *     servers: [app1.internal:8443]
 *     tls:
 *       ca_file: certs/origin-ca.pem       # absent: the system trust store
 *       server_name: app.internal          # SNI and the name checked; absent: each server's host
 *       cert_file: certs/edge-client.pem   # a client certificate for origins that require one (mTLS)
 *       key_file: certs/edge-client.key
 * </pre>
 *
 * @param caFile             PEM CA certificates that sign the origin's certificate, or null for the system trust store
 * @param serverName         the name sent as SNI and checked against the certificate, or empty for each server's host
 * @param certFile           the client certificate chain (PEM) shown to origins that ask for one, or null
 * @param keyFile            the client certificate's private key (PEM); null when {@code certFile} holds it too
 * @param keyPasswordEnv     environment variable with the password of an encrypted client key, or empty
 * @param keyPasswordFile    file with that password (first line), or null
 * @param insecureSkipVerify accept any certificate and any name (no protection against a man in the middle)
 */
public record OriginTlsConfig(Path caFile, String serverName, Path certFile, Path keyFile, String keyPasswordEnv,
                              Path keyPasswordFile, boolean insecureSkipVerify) {

    /** Verify against the system trust store, each server's own host as the name, no client certificate. */
    public static final OriginTlsConfig VERIFY_SYSTEM = new OriginTlsConfig(null, "", null, null, "", null, false);

    public OriginTlsConfig {
        serverName = serverName == null ? "" : serverName.trim().toLowerCase(Locale.ROOT);
        if (!serverName.isEmpty() && !dnsName(serverName)) {
            throw new IllegalArgumentException("server_name: '" + serverName + "' (expected: a DNS name such as app.internal)");
        }
        keyPasswordEnv = keyPasswordEnv == null ? "" : keyPasswordEnv.trim();
        if (!keyPasswordEnv.isEmpty() && keyPasswordFile != null) {
            throw new IllegalArgumentException("key_password_env and key_password_file are both set (expected: one of them)");
        }
        if (keyFile != null && certFile == null) {
            throw new IllegalArgumentException("key_file: set without cert_file (expected: the client certificate in cert_file)");
        }
        if (insecureSkipVerify && (caFile != null || !serverName.isEmpty())) {
            throw new IllegalArgumentException("insecure_skip_verify: true, but ca_file or server_name is set too "
                    + "(expected: one or the other; with verification skipped they would be ignored)");
        }
    }

    /** Resolves every relative path against {@code base}. */
    public OriginTlsConfig resolve(Path base) {
        if (base == null) {
            return this;
        }
        return new OriginTlsConfig(path(base, caFile), serverName, path(base, certFile), path(base, keyFile), keyPasswordEnv,
                path(base, keyPasswordFile), insecureSkipVerify);
    }

    private static Path path(Path base, Path p) {
        return p == null ? null : ConfigLoader.resolve(base, p.toString());
    }

    /** {@code tls: true} (verify against the system trust store) or a mapping of the settings above. */
    static OriginTlsConfig from(ConfigNode n) {
        if (n.isScalar()) {
            Boolean on = switch (n.text()) {
                case "true", "yes", "on" -> Boolean.TRUE;
                case "false", "no", "off" -> Boolean.FALSE;
                default -> null;
            };
            if (on == null) {
                n.problem("'" + n.text() + "' (expected: true, false, or a mapping with ca_file, server_name, cert_file, "
                        + "key_file, insecure_skip_verify)");
            }
            return Boolean.TRUE.equals(on) ? VERIFY_SYSTEM : null;
        }
        if (!n.isMapping()) {
            n.problem("expected true or a mapping (ca_file, server_name, cert_file, key_file, insecure_skip_verify)");
            return null;
        }
        String ca = n.string("ca_file", null);
        String name = n.string("server_name", "");
        String cert = n.string("cert_file", null);
        String key = n.string("key_file", null);
        String passwordEnv = n.string("key_password_env", "");
        String passwordFile = n.string("key_password_file", null);
        if (n.has("key_password")) {
            n.get("key_password").problem("passwords do not belong in the config file "
                    + "(expected: key_password_env: VARIABLE or key_password_file: path)");
        }
        if (n.has("verify")) {
            n.get("verify").problem("unknown key (verification is always on; to turn it off write insecure_skip_verify: true)");
        }
        boolean skip = n.bool("insecure_skip_verify", false);
        n.finish();
        return n.build(() -> new OriginTlsConfig(ca == null ? null : Path.of(ca), name, cert == null ? null : Path.of(cert),
                key == null ? null : Path.of(key), passwordEnv, passwordFile == null ? null : Path.of(passwordFile), skip), null);
    }

    /** The warning {@code check} prints and the server logs when verification is off, or empty. */
    public String warning(String group) {
        if (!insecureSkipVerify) {
            return "";
        }
        return "origins." + group + ".tls.insecure_skip_verify: true: the origin's certificate and name are not checked, "
                + "so anyone on the path to it can read and change the traffic (set ca_file instead)";
    }

    /** A DNS name as SNI takes it: letters, digits, '-' and dots, at least one letter (so no IP literal). */
    private static boolean dnsName(String s) {
        if (s.length() > 253 || s.startsWith(".") || s.endsWith(".") || s.contains("..")) {
            return false;
        }
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z' || c == '-') {
                letter = true;
            } else if (!(c >= '0' && c <= '9') && c != '.') {
                return false;
            }
        }
        return letter;
    }
}
