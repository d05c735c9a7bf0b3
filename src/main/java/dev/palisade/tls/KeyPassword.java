package dev.palisade.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import dev.palisade.config.ConfigProblem;
import dev.palisade.config.TlsConfig;

/**
 * The password of encrypted private keys, looked up only when an encrypted key is met: from the
 * environment variable named by {@code key_password_env} or the first line of {@code key_password_file}.
 * Each call returns a fresh copy the caller wipes.
 */
final class KeyPassword {

    private final String env;
    private final Path file;
    private final Function<String, String> environment;
    private char[] cached;
    private final java.util.Set<String> reported = new java.util.HashSet<>();

    KeyPassword(TlsConfig cfg, Function<String, String> environment) {
        this(cfg.keyPasswordEnv(), cfg.keyPasswordFile(), environment);
    }

    KeyPassword(String env, Path file, Function<String, String> environment) {
        this.env = env == null ? "" : env;
        this.file = file;
        this.environment = environment;
    }

    /** Where the password comes from, for messages; never the password itself. */
    String source() {
        if (!env.isEmpty()) {
            return "the environment variable " + env;
        }
        return file == null ? "nowhere" : "the file " + file;
    }

    /** The password, or null after adding a problem that names {@code pemFile} (once per load). */
    char[] get(String pemFile, List<ConfigProblem> problems) {
        if (cached == null) {
            cached = lookup(pemFile, problems);
        }
        return cached == null ? null : cached.clone();
    }

    private char[] lookup(String pemFile, List<ConfigProblem> problems) {
        if (!env.isEmpty()) {
            String v = environment.apply(env);
            if (v == null || v.isEmpty()) {
                report(problems, pemFile, "key_password_env", "the private key is encrypted and the environment variable "
                        + env + " is not set (expected: the key's password in " + env + ")");
                return null;
            }
            return v.toCharArray();
        }
        if (file != null) {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int nl = text.indexOf('\n');
                String line = nl < 0 ? text : text.substring(0, nl);
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                if (line.isEmpty()) {
                    report(problems, file.toString(), "key_password_file", "empty (expected: the key's password on the first line)");
                    return null;
                }
                return line.toCharArray();
            } catch (IOException e) {
                report(problems, file.toString(), "key_password_file", "cannot read the key password: " + PemFile.reason(e));
                return null;
            }
        }
        report(problems, pemFile, "", "the private key is encrypted and no password source is set "
                + "(expected: key_password_env or key_password_file under tls:)");
        return null;
    }

    private void report(List<ConfigProblem> problems, String where, String key, String message) {
        if (reported.add(where + "\0" + key)) {
            problems.add(new ConfigProblem(where, 0, key, message));
        }
    }

    /** Wipes the cached password once loading is done. */
    void clear() {
        if (cached != null) {
            java.util.Arrays.fill(cached, '\0');
            cached = null;
        }
    }
}
