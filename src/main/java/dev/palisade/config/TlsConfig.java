package dev.palisade.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * TLS on a listener. Secrets never live here: an encrypted key's password comes from the environment
 * variable or the file this names.
 *
 * @param certs            a directory of PEM certificates and keys, or a single PEM file
 * @param keyFile          a PEM file with the private key when {@code certs} is a chain file without it, or null
 * @param strictSni        refuse the handshake when the client names no host a certificate covers (or none)
 * @param http2            offer h2 through ALPN
 * @param defaultHost      the host whose certificate answers clients without SNI; empty: the first file's
 * @param keyPasswordEnv   the environment variable holding the password of encrypted keys, or empty
 * @param keyPasswordFile  the file holding that password (first line), or null
 * @param allowExpired     serve a certificate that is expired or not yet valid (still warned about)
 * @param protocols        the TLS versions to accept, a non-empty subset of TLSv1.2 and TLSv1.3
 * @param clientAuth       whether clients must present a certificate (mTLS)
 * @param clientCa         the PEM file of CAs that sign client certificates; required unless clientAuth is NONE
 * @param provider         which TLS implementation runs
 * @param sessionCacheSize how many sessions the server keeps for resumption
 * @param sessionTimeout   how long a session (and a session ticket) may be resumed
 * @param handshakeTimeout how long a client has to finish the handshake, ClientHello included
 * @param hstsMaxAge       Strict-Transport-Security max-age on responses; zero: no header
 * @param hstsIncludeSubdomains whether the HSTS header covers subdomains
 * @param hstsPreload      add {@code preload} (asks browsers' preload lists to include the domain; needs a
 *                         max-age of at least a year and subdomains included)
 * @param ocspStapling     staple an OCSP response fetched from each certificate's responder (OpenSSL provider only)
 */
public record TlsConfig(Path certs, Path keyFile, boolean strictSni, boolean http2, String defaultHost, String keyPasswordEnv,
                        Path keyPasswordFile, boolean allowExpired, List<String> protocols, ClientAuth clientAuth,
                        Path clientCa, Provider provider, int sessionCacheSize, Duration sessionTimeout,
                        Duration handshakeTimeout, Duration hstsMaxAge, boolean hstsIncludeSubdomains, boolean hstsPreload,
                        boolean ocspStapling) {

    /** The protocol versions Palisade can speak; older ones are never offered. */
    public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Client certificates (mTLS). */
    public enum ClientAuth { NONE, OPTIONAL, REQUIRED }

    /** The TLS implementation: OpenSSL (BoringSSL through netty-tcnative) when it works, else the JDK's. */
    public enum Provider { AUTO, OPENSSL, JDK }

    public TlsConfig {
        if (certs == null) {
            throw new IllegalArgumentException("certs: missing (expected: a directory or PEM file)");
        }
        defaultHost = defaultHost == null ? "" : defaultHost.trim().toLowerCase(Locale.ROOT);
        keyPasswordEnv = keyPasswordEnv == null ? "" : keyPasswordEnv.trim();
        if (!keyPasswordEnv.isEmpty() && keyPasswordFile != null) {
            throw new IllegalArgumentException("key_password_env and key_password_file are both set (expected: one of them)");
        }
        protocols = List.copyOf(protocols == null || protocols.isEmpty() ? SUPPORTED_PROTOCOLS : protocols);
        for (String p : protocols) {
            if (!SUPPORTED_PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException("protocols: '" + p + "' (expected: TLSv1.2, TLSv1.3)");
            }
        }
        clientAuth = clientAuth == null ? ClientAuth.NONE : clientAuth;
        if (clientAuth != ClientAuth.NONE && clientCa == null) {
            throw new IllegalArgumentException("client_ca: missing (expected: a PEM file of the CAs that sign client "
                    + "certificates when client_auth is " + clientAuth.name().toLowerCase(Locale.ROOT) + ")");
        }
        provider = provider == null ? Provider.AUTO : provider;
        if (sessionCacheSize < 0) {
            throw new IllegalArgumentException("session_cache_size: " + sessionCacheSize + " (expected: >= 0)");
        }
        sessionTimeout = sessionTimeout == null ? Duration.ofHours(1) : sessionTimeout;
        if (sessionTimeout.isNegative() || sessionTimeout.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("session_timeout: " + Durations.format(sessionTimeout)
                    + " (expected: 0s..7d)");
        }
        handshakeTimeout = handshakeTimeout == null ? Duration.ofSeconds(10) : handshakeTimeout;
        if (handshakeTimeout.isZero() || handshakeTimeout.isNegative()) {
            throw new IllegalArgumentException("handshake_timeout: " + Durations.format(handshakeTimeout)
                    + " (expected: > 0)");
        }
        hstsMaxAge = hstsMaxAge == null ? Duration.ZERO : hstsMaxAge;
        if (hstsMaxAge.isNegative()) {
            throw new IllegalArgumentException("hsts_max_age: " + hstsMaxAge + " (expected: >= 0s)");
        }
        if (hstsIncludeSubdomains && hstsMaxAge.isZero()) {
            throw new IllegalArgumentException("hsts_include_subdomains: true without hsts_max_age (expected: hsts_max_age: 365d)");
        }
        if (hstsPreload && (hstsMaxAge.compareTo(Duration.ofDays(365)) < 0 || !hstsIncludeSubdomains)) {
            throw new IllegalArgumentException("hsts_preload: true needs hsts_max_age of at least 365d and "
                    + "hsts_include_subdomains: true (what browsers' preload lists require)");
        }
    }

    /** The Strict-Transport-Security value to add to responses, or empty when HSTS is off. */
    public String hstsHeader() {
        if (hstsMaxAge.isZero()) {
            return "";
        }
        return "max-age=" + hstsMaxAge.toSeconds() + (hstsIncludeSubdomains ? "; includeSubDomains" : "")
                + (hstsPreload ? "; preload" : "");
    }

    /** Certificates from {@code certs} with every other setting at its default. */
    public TlsConfig(Path certs, boolean strictSni, boolean http2) {
        this(certs, null, strictSni, http2, "", "", null, false, null, ClientAuth.NONE, null, Provider.AUTO, 10_000, null, null,
                null, false, false, false);
    }

    public static TlsConfig of(Path certs) {
        return new TlsConfig(certs, false, true);
    }

    public static Builder builder(Path certs) {
        return new Builder(of(certs));
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Resolves every relative path (certs, key_password_file, client_ca) against {@code base}. */
    public TlsConfig resolve(Path base) {
        if (base == null) {
            return this;
        }
        return toBuilder()
                .certs(ConfigLoader.resolve(base, certs.toString()))
                .keyFile(keyFile == null ? null : ConfigLoader.resolve(base, keyFile.toString()))
                .keyPasswordFile(keyPasswordFile == null ? null : ConfigLoader.resolve(base, keyPasswordFile.toString()))
                .clientCa(clientCa == null ? null : ConfigLoader.resolve(base, clientCa.toString()))
                .build();
    }

    static TlsConfig from(ConfigNode n) {
        String certs = n.string("certs", "certs");
        String keyFile = n.string("key_file", null);
        boolean strict = n.bool("strict_sni", false);
        boolean h2 = n.bool("http2", true);
        String defaultHost = n.string("default_host", "");
        String passwordEnv = n.string("key_password_env", "");
        String passwordFile = n.string("key_password_file", null);
        if (n.has("key_password")) {
            n.get("key_password").problem("passwords do not belong in the config file "
                    + "(expected: key_password_env: VARIABLE or key_password_file: path)");
        }
        boolean allowExpired = n.bool("allow_expired", false);
        List<String> protocols = new ArrayList<>();
        for (String p : n.strings("protocols")) {
            protocols.add(protocolName(p));
        }
        ClientAuth clientAuth = n.parsed("client_auth", s -> named(ClientAuth.class, "client_auth", s, "none, optional, required"),
                ClientAuth.NONE);
        String clientCa = n.string("client_ca", null);
        Provider provider = n.parsed("provider", s -> named(Provider.class, "provider", s, "auto, openssl, jdk"), Provider.AUTO);
        long cacheSize = n.number("session_cache_size", 0, 10_000_000, 10_000);
        Duration sessionTimeout = n.duration("session_timeout", Duration.ofHours(1));
        Duration handshakeTimeout = n.duration("handshake_timeout", Duration.ofSeconds(10));
        Duration hsts = n.duration("hsts_max_age", Duration.ZERO);
        boolean hstsSub = n.bool("hsts_include_subdomains", false);
        boolean hstsPreload = n.bool("hsts_preload", false);
        boolean ocsp = n.bool("ocsp_stapling", false);
        n.finish();
        return n.build(() -> new TlsConfig(Path.of(certs), keyFile == null ? null : Path.of(keyFile), strict, h2, defaultHost, passwordEnv,
                passwordFile == null ? null : Path.of(passwordFile), allowExpired, protocols, clientAuth,
                clientCa == null ? null : Path.of(clientCa), provider, (int) cacheSize, sessionTimeout, handshakeTimeout,
                hsts, hstsSub, hstsPreload, ocsp), null);
    }

    /** Accepts {@code TLSv1.3}, {@code TLSv1.2}, {@code 1.3} and {@code 1.2}; anything else is kept for the error. */
    private static String protocolName(String p) {
        String t = p.trim();
        if (t.equals("1.2") || t.equalsIgnoreCase("tlsv1.2")) {
            return "TLSv1.2";
        }
        if (t.equals("1.3") || t.equalsIgnoreCase("tlsv1.3")) {
            return "TLSv1.3";
        }
        return t;
    }

    private static <E extends Enum<E>> E named(Class<E> type, String key, String value, String expected) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' (expected: " + expected + ")");
        }
    }

    /** For settings built in code (tests, the demo); validation happens in {@link #build()}. */
    public static final class Builder {
        private Path certs;
        private Path keyFile;
        private boolean strictSni;
        private boolean http2;
        private String defaultHost;
        private String keyPasswordEnv;
        private Path keyPasswordFile;
        private boolean allowExpired;
        private List<String> protocols;
        private ClientAuth clientAuth;
        private Path clientCa;
        private Provider provider;
        private int sessionCacheSize;
        private Duration sessionTimeout;
        private Duration handshakeTimeout;
        private Duration hstsMaxAge;
        private boolean hstsIncludeSubdomains;
        private boolean hstsPreload;
        private boolean ocspStapling;

        private Builder(TlsConfig c) {
            certs = c.certs;
            keyFile = c.keyFile;
            strictSni = c.strictSni;
            http2 = c.http2;
            defaultHost = c.defaultHost;
            keyPasswordEnv = c.keyPasswordEnv;
            keyPasswordFile = c.keyPasswordFile;
            allowExpired = c.allowExpired;
            protocols = c.protocols;
            clientAuth = c.clientAuth;
            clientCa = c.clientCa;
            provider = c.provider;
            sessionCacheSize = c.sessionCacheSize;
            sessionTimeout = c.sessionTimeout;
            handshakeTimeout = c.handshakeTimeout;
            hstsMaxAge = c.hstsMaxAge;
            hstsIncludeSubdomains = c.hstsIncludeSubdomains;
            hstsPreload = c.hstsPreload;
            ocspStapling = c.ocspStapling;
        }

        public Builder certs(Path v) { certs = v; return this; }
        public Builder keyFile(Path v) { keyFile = v; return this; }
        public Builder strictSni(boolean v) { strictSni = v; return this; }
        public Builder http2(boolean v) { http2 = v; return this; }
        public Builder defaultHost(String v) { defaultHost = v; return this; }
        public Builder keyPasswordEnv(String v) { keyPasswordEnv = v; return this; }
        public Builder keyPasswordFile(Path v) { keyPasswordFile = v; return this; }
        public Builder allowExpired(boolean v) { allowExpired = v; return this; }
        public Builder protocols(List<String> v) { protocols = v; return this; }
        public Builder clientAuth(ClientAuth v) { clientAuth = v; return this; }
        public Builder clientCa(Path v) { clientCa = v; return this; }
        public Builder provider(Provider v) { provider = v; return this; }
        public Builder sessionCacheSize(int v) { sessionCacheSize = v; return this; }
        public Builder sessionTimeout(Duration v) { sessionTimeout = v; return this; }
        public Builder handshakeTimeout(Duration v) { handshakeTimeout = v; return this; }
        public Builder hstsMaxAge(Duration v) { hstsMaxAge = v; return this; }
        public Builder hstsIncludeSubdomains(boolean v) { hstsIncludeSubdomains = v; return this; }
        public Builder hstsPreload(boolean v) { hstsPreload = v; return this; }
        public Builder ocspStapling(boolean v) { ocspStapling = v; return this; }

        public TlsConfig build() {
            return new TlsConfig(certs, keyFile, strictSni, http2, defaultHost, keyPasswordEnv, keyPasswordFile, allowExpired,
                    protocols, clientAuth, clientCa, provider, sessionCacheSize, sessionTimeout, handshakeTimeout,
                    hstsMaxAge, hstsIncludeSubdomains, hstsPreload, ocspStapling);
        }
    }
}
