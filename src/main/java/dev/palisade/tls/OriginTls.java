package dev.palisade.tls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLException;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.TlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/**
 * Client-side TLS, for connections to origins (and for tests). Verification is on unless the caller
 * asks for {@link #insecureClientContext()} by name: the origin's chain is checked against the system
 * trust store or a given CA file, and its name against the host the connection is for. SNI is sent.
 * Offers HTTP/1.1 only through ALPN, since forwarding stays HTTP/1.1.
 */
public final class OriginTls {

    private OriginTls() {
    }

    /**
     * A verifying client context.
     *
     * @param caFile PEM file of the CAs to trust, or null for the system trust store
     */
    public static SslContext clientContext(Path caFile) throws ConfigException {
        return clientContext(caFile, TlsConfig.Provider.AUTO, TlsConfig.SUPPORTED_PROTOCOLS, List.of());
    }

    /**
     * A verifying client context with a chosen provider, protocols and ALPN offer (empty: no ALPN).
     *
     * @param caFile PEM file of the CAs to trust, or null for the system trust store
     */
    public static SslContext clientContext(Path caFile, TlsConfig.Provider provider, List<String> protocols,
                                           List<String> alpn) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        SslContextBuilder b = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS");
        if (caFile != null) {
            PemFile pem = PemFile.read(caFile, new KeyPassword(TlsConfig.of(caFile), n -> null), problems);
            if (problems.isEmpty() && pem.certificates().isEmpty()) {
                problems.add(PemFile.problem(caFile.toString(), "no certificate in the file (expected: PEM CA certificates)"));
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            b.trustManager(pem.certificates());
        }
        return build(b, provider, protocols, alpn, caFile == null ? "origin tls" : caFile.toString());
    }

    /** A context that accepts any certificate and any name: only for an explicit skip-verify setting. */
    public static SslContext insecureClientContext() throws ConfigException {
        SslContextBuilder b = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                .endpointIdentificationAlgorithm(null);
        return build(b, TlsConfig.Provider.AUTO, TlsConfig.SUPPORTED_PROTOCOLS, List.of(), "origin tls");
    }

    /**
     * A handler for a connection to {@code host:port}: SNI names {@code host} (when it is a name, not an IP
     * literal), and a verifying context checks the certificate against it.
     */
    public static SslHandler newHandler(SslContext ctx, ByteBufAllocator alloc, String host, int port) {
        return ctx.newHandler(alloc, host, port);
    }

    private static SslContext build(SslContextBuilder b, TlsConfig.Provider provider, List<String> protocols,
                                    List<String> alpn, String where) throws ConfigException {
        try {
            SslProvider p = TlsProviders.choose(provider);
            b.sslProvider(p).protocols(protocols);
            if (protocols.stream().allMatch(TlsConfig.SUPPORTED_PROTOCOLS::contains)) {
                b.ciphers(ServerContexts.CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
            }
            if (!alpn.isEmpty()) {
                b.applicationProtocolConfig(new io.netty.handler.ssl.ApplicationProtocolConfig(
                        io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
                        io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
            }
            return b.build();
        } catch (SSLException e) {
            throw ConfigException.of(where, "cannot build a TLS client context: " + PemFile.reason(e));
        }
    }
}
