package dev.palisade.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import javax.net.ssl.SSLException;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.OriginTlsConfig;
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
     * The client context an origin group's {@code tls:} settings describe: verifying (system trust store or
     * {@code ca_file}) unless {@code insecure_skip_verify}, with the client certificate when one is given.
     * Reads files: call it off the event loops. Every problem names its file.
     */
    public static SslContext clientContext(OriginTlsConfig cfg) throws ConfigException {
        return clientContext(cfg, System::getenv);
    }

    static SslContext clientContext(OriginTlsConfig cfg, Function<String, String> environment) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        SslContextBuilder b = SslContextBuilder.forClient();
        if (cfg.insecureSkipVerify()) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            b.endpointIdentificationAlgorithm("HTTPS");
            if (cfg.caFile() != null) {
                b.trustManager(caCertificates(cfg.caFile(), problems));
            }
        }
        if (cfg.certFile() != null) {
            clientCertificate(b, cfg, environment, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return build(b, TlsConfig.Provider.AUTO, TlsConfig.SUPPORTED_PROTOCOLS, List.of(),
                cfg.caFile() == null ? "origin tls" : cfg.caFile().toString());
    }

    private static List<X509Certificate> caCertificates(Path caFile, List<ConfigProblem> problems) {
        int before = problems.size();
        PemFile pem = PemFile.read(caFile, new KeyPassword("", null, n -> null), problems);
        if (problems.size() == before && pem.certificates().isEmpty()) {
            problems.add(PemFile.problem(caFile.toString(), "no certificate in the file (expected: PEM CA certificates)"));
        }
        return pem.certificates();
    }

    /** The chain from cert_file and the key from key_file (or cert_file), which must belong to the chain's first certificate. */
    private static void clientCertificate(SslContextBuilder b, OriginTlsConfig cfg, Function<String, String> environment,
                                          List<ConfigProblem> problems) {
        KeyPassword password = new KeyPassword(cfg.keyPasswordEnv(), cfg.keyPasswordFile(), environment);
        int before = problems.size();
        PemFile chain = PemFile.read(cfg.certFile(), password, problems);
        PemFile keys = cfg.keyFile() == null ? chain : PemFile.read(cfg.keyFile(), password, problems);
        if (problems.size() > before) {
            return;
        }
        String keyWhere = (cfg.keyFile() == null ? cfg.certFile() : cfg.keyFile()).toString();
        if (chain.certificates().isEmpty()) {
            problems.add(PemFile.problem(cfg.certFile().toString(), "no certificate in the file (expected: the client certificate chain)"));
            return;
        }
        if (keys.keys().isEmpty()) {
            problems.add(PemFile.problem(keyWhere, "no private key in the file (expected: the client certificate's key)"));
            return;
        }
        PrivateKey key = keys.keys().get(0);
        if (!CertificateLoader.matches(key, chain.certificates().get(0).getPublicKey())) {
            problems.add(PemFile.problem(keyWhere, "the private key does not belong to the first certificate of "
                    + cfg.certFile() + " (expected: the client certificate's own key)"));
            return;
        }
        b.keyManager(key, chain.certificates().toArray(new X509Certificate[0]));
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
            List<X509Certificate> cas = caCertificates(caFile, problems);
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            b.trustManager(cas);
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
