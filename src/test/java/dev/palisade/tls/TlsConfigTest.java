package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.TlsConfig;

/** The tls: section of palisade.yaml, read through the real loader. */
class TlsConfigTest {

    private static final String ORIGINS = "origins:\n  app:\n    servers: [127.0.0.1:9000]\n";

    private static TlsConfig parse(String tls) throws ConfigException {
        String yaml = "listeners:\n  - name: https\n    bind: 127.0.0.1:8443\n    tls:\n" + tls.indent(6) + ORIGINS;
        return ConfigLoader.parse(yaml, "palisade.yaml", null, null).listeners().get(0).tls();
    }

    private static ConfigException problem(String tls) {
        return assertThrows(ConfigException.class, () -> parse(tls));
    }

    @Test
    void defaults() throws Exception {
        TlsConfig c = parse("certs: certs");
        assertEquals(Path.of("certs"), c.certs());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), c.protocols());
        assertEquals(TlsConfig.ClientAuth.NONE, c.clientAuth());
        assertEquals(TlsConfig.Provider.AUTO, c.provider());
        assertEquals(Duration.ofSeconds(10), c.handshakeTimeout());
        assertTrue(c.http2());
        assertEquals("", c.hstsHeader());
        assertFalse(c.ocspStapling());
    }

    @Test
    void everyKey() throws Exception {
        TlsConfig c = parse("""
                certs: /etc/palisade/certs
                key_file: /etc/palisade/private/key.pem
                strict_sni: true
                http2: false
                default_host: www.example.com
                key_password_env: PALISADE_KEY_PASSWORD
                allow_expired: true
                protocols: [1.3]
                client_auth: required
                client_ca: /etc/palisade/clients-ca.pem
                provider: jdk
                session_cache_size: 5000
                session_timeout: 10m
                handshake_timeout: 5s
                hsts_max_age: 365d
                hsts_include_subdomains: true
                hsts_preload: true
                ocsp_stapling: true
                """);
        assertTrue(c.strictSni());
        assertTrue(c.ocspStapling());
        assertEquals(Path.of("/etc/palisade/private/key.pem"), c.keyFile());
        assertEquals("www.example.com", c.defaultHost());
        assertEquals("PALISADE_KEY_PASSWORD", c.keyPasswordEnv());
        assertEquals(List.of("TLSv1.3"), c.protocols());
        assertEquals(TlsConfig.ClientAuth.REQUIRED, c.clientAuth());
        assertEquals(Path.of("/etc/palisade/clients-ca.pem"), c.clientCa());
        assertEquals(TlsConfig.Provider.JDK, c.provider());
        assertEquals(5000, c.sessionCacheSize());
        assertEquals(Duration.ofMinutes(10), c.sessionTimeout());
        assertEquals(Duration.ofSeconds(5), c.handshakeTimeout());
        assertEquals("max-age=31536000; includeSubDomains; preload", c.hstsHeader());
    }

    @Test
    void passwordsInTheConfigTextAreRefused() {
        ConfigException e = problem("certs: certs\nkey_password: hunter2\n");
        assertTrue(e.getMessage().contains("key_password_env"), e.getMessage());
        assertTrue(!e.getMessage().contains("hunter2"), "the password is not echoed: " + e.getMessage());
    }

    @Test
    void badValuesNameTheKey() {
        assertTrue(problem("protocols: [TLSv1.1]").getMessage().contains("protocols: 'TLSv1.1' (expected: TLSv1.2, TLSv1.3)"));
        assertTrue(problem("client_auth: maybe").getMessage().contains("client_auth: 'maybe'"));
        assertTrue(problem("client_auth: required").getMessage().contains("client_ca: missing"));
        assertTrue(problem("provider: gnutls").getMessage().contains("provider: 'gnutls'"));
        assertTrue(problem("key_password_env: A\nkey_password_file: /x").getMessage().contains("both set"));
        assertTrue(problem("ciphers: [RC4]").getMessage().contains("unknown key"));
        assertTrue(problem("hsts_max_age: 30d\nhsts_include_subdomains: true\nhsts_preload: true").getMessage()
                .contains("hsts_preload: true needs hsts_max_age of at least 365d"));
        assertTrue(problem("hsts_include_subdomains: true").getMessage().contains("without hsts_max_age"));
        assertTrue(problem("hsts_max_age: soon").getMessage().contains("hsts_max_age"));
        assertTrue(problem("ocsp_stapling: sometimes").getMessage().contains("ocsp_stapling"));
    }

    @Test
    void resolveMakesEveryPathAbsolute() {
        TlsConfig c = TlsConfig.builder(Path.of("certs")).keyPasswordFile(Path.of("secrets/pw"))
                .clientAuth(TlsConfig.ClientAuth.OPTIONAL).clientCa(Path.of("ca.pem")).build().resolve(Path.of("/etc/p"));
        assertEquals(Path.of("/etc/p/certs"), c.certs());
        assertEquals(Path.of("/etc/p/secrets/pw"), c.keyPasswordFile());
        assertEquals(Path.of("/etc/p/ca.pem"), c.clientCa());
    }
}
