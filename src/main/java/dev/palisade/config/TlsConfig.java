package dev.palisade.config;

import java.nio.file.Path;

/**
 * TLS on a listener.
 *
 * @param certs     a directory of PEM certificates and keys, or a single PEM file
 * @param strictSni refuse the handshake when the client names a host no certificate covers
 * @param http2     offer h2 through ALPN
 */
public record TlsConfig(Path certs, boolean strictSni, boolean http2) {

    public TlsConfig {
        if (certs == null) {
            throw new IllegalArgumentException("certs: missing (expected: a directory or PEM file)");
        }
    }

    static TlsConfig from(ConfigNode n) {
        String certs = n.string("certs", "certs");
        boolean strict = n.bool("strict_sni", false);
        boolean h2 = n.bool("http2", true);
        n.finish();
        return n.build(() -> new TlsConfig(Path.of(certs), strict, h2), null);
    }
}
