package dev.palisade.tls;

import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSessionContext;

import dev.palisade.config.TlsConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

/**
 * Builds one server {@link SslContext} per certificate with the same policy: TLS 1.2 and 1.3 only,
 * ECDHE key exchange with AEAD ciphers only (in server preference order), ALPN, a session cache and,
 * with OpenSSL, session tickets under keys shared by every context so resumption survives SNI and reload.
 */
final class ServerContexts {

    /** Forward-secret AEAD suites, in the order the server prefers them (Mozilla "intermediate" minus DHE). */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** Key exchange groups for OpenSSL; the JDK's defaults are already these and stronger ones. */
    private static final String[] GROUPS = {"X25519", "P-256", "P-384"};

    private final TlsConfig cfg;
    private final SslProvider provider;
    private final List<X509Certificate> clientCas;
    private final OpenSslSessionTicketKey[] ticketKeys;

    ServerContexts(TlsConfig cfg, SslProvider provider, List<X509Certificate> clientCas,
                   OpenSslSessionTicketKey[] ticketKeys) {
        this.cfg = cfg;
        this.provider = provider;
        this.clientCas = List.copyOf(clientCas);
        this.ticketKeys = ticketKeys.clone();
    }

    static ApplicationProtocolConfig alpn(boolean http2) {
        List<String> protocols = http2
                ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                : List.of(ApplicationProtocolNames.HTTP_1_1);
        return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols);
    }

    SslContext build(ServedCertificate cert) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forServer(cert.key(), cert.chain())
                .sslProvider(provider)
                .protocols(cfg.protocols())
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(alpn(cfg.http2()))
                .sessionCacheSize(cfg.sessionCacheSize())
                .sessionTimeout(cfg.sessionTimeout().toSeconds());
        if (provider != SslProvider.JDK) {
            b.option(OpenSslContextOption.GROUPS, GROUPS.clone());
            // lets the engine carry a staple; BoringSSL sends it only to clients that ask (status_request)
            b.enableOcsp(cfg.ocspStapling());
        }
        switch (cfg.clientAuth()) {
            case REQUIRED:
                b.clientAuth(ClientAuth.REQUIRE).trustManager(clientCas);
                break;
            case OPTIONAL:
                b.clientAuth(ClientAuth.OPTIONAL).trustManager(clientCas);
                break;
            default:
                b.clientAuth(ClientAuth.NONE);
        }
        SslContext ctx = b.build();
        SSLSessionContext sessions = ctx.sessionContext();
        if (sessions instanceof OpenSslSessionContext open && ticketKeys.length > 0) {
            open.setTicketKeys(ticketKeys);
        }
        return ctx;
    }
}
