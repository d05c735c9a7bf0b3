package dev.palisade.tls;

import java.nio.ByteBuffer;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.config.TlsConfig;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;

/**
 * Picks the TLS implementation. OpenSSL (BoringSSL through netty-tcnative) handshakes much faster, but a
 * mismatched native library can load and still fail at the first handshake, so "works" means an
 * in-memory handshake against the JDK provider succeeded, once per JVM.
 */
final class TlsProviders {

    private static final Logger log = LoggerFactory.getLogger(TlsProviders.class);

    static {
        // TLS 1.2 renegotiation started by a client costs the server a full handshake each time (THC-SSL-DOS).
        // BoringSSL never allows it; the JDK does unless told otherwise, before its TLS classes load.
        if (System.getProperty("jdk.tls.rejectClientInitiatedRenegotiation") == null) {
            System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
        }
    }
    private static final String PROBE_HOST = "probe.palisade.invalid";

    /** Null when OpenSSL works, else why not. */
    private static volatile String openSslProblem;
    private static volatile boolean probed;

    private TlsProviders() {
    }

    /** The provider to run for {@code wanted}; an explicit OPENSSL that does not work is an error. */
    static SslProvider choose(TlsConfig.Provider wanted) throws SSLException {
        switch (wanted) {
            case JDK:
                return SslProvider.JDK;
            case OPENSSL:
                String problem = openSslProblem();
                if (problem != null) {
                    throw new SSLException("provider: openssl does not work here: " + problem);
                }
                return SslProvider.OPENSSL;
            default:
                return openSslProblem() == null ? SslProvider.OPENSSL : SslProvider.JDK;
        }
    }

    static String name(SslProvider p) {
        return p == SslProvider.JDK ? "JDK" : "OpenSSL";
    }

    /** Why OpenSSL cannot be used, or null when it passed the self-test. */
    static String openSslProblem() {
        if (!probed) {
            synchronized (TlsProviders.class) {
                if (!probed) {
                    openSslProblem = probe();
                    probed = true;
                    if (openSslProblem == null) {
                        log.info("TLS: OpenSSL available ({}), self-test handshake passed", OpenSsl.versionString());
                    } else {
                        log.warn("TLS: OpenSSL not usable, the JDK provider will run: {}", openSslProblem);
                    }
                }
            }
        }
        return openSslProblem;
    }

    private static String probe() {
        if (!OpenSsl.isAvailable()) {
            Throwable cause = OpenSsl.unavailabilityCause();
            return "netty-tcnative did not load" + (cause == null ? "" : ": " + PemFile.reason(cause));
        }
        SSLEngine server = null;
        SSLEngine client = null;
        try {
            SelfSignedCertificates.Generated g = SelfSignedCertificates.generate(List.of(PROBE_HOST),
                    java.time.Duration.ofDays(1));
            SslContext sctx = SslContextBuilder.forServer(g.key(), g.certificate()).sslProvider(SslProvider.OPENSSL)
                    .protocols(TlsConfig.SUPPORTED_PROTOCOLS).build();
            SslContext cctx = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(g.certificate())
                    .protocols(TlsConfig.SUPPORTED_PROTOCOLS).build();
            server = sctx.newEngine(UnpooledByteBufAllocator.DEFAULT);
            client = cctx.newEngine(UnpooledByteBufAllocator.DEFAULT, PROBE_HOST, 443);
            handshake(client, server);
            return null;
        } catch (Exception | LinkageError e) {
            return e.getClass().getSimpleName() + ": " + PemFile.reason(e);
        } finally {
            ReferenceCountUtil.release(server);
            ReferenceCountUtil.release(client);
        }
    }

    /** Runs a complete handshake between two engines through memory buffers. */
    static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize()) * 4;
        ByteBuffer c2s = ByteBuffer.allocate(size);
        ByteBuffer s2c = ByteBuffer.allocate(size);
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer sink = ByteBuffer.allocate(size);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 100; round++) {
            if (done(client) && done(server)) {
                return;
            }
            step(client, empty, c2s, s2c, sink);
            step(server, empty, s2c, c2s, sink);
        }
        throw new SSLException("self-test handshake did not finish");
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus s = e.getHandshakeStatus();
        return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
    }

    private static void step(SSLEngine e, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
            throws SSLException {
        for (int i = 0; i < 20; i++) {
            HandshakeStatus s = e.getHandshakeStatus();
            if (s == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = e.getDelegatedTask()) != null) {
                    task.run();
                }
            } else if (s == HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = e.wrap(empty, out);
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    throw new SSLException("self-test wrap: " + r.getStatus());
                }
            } else if (s == HandshakeStatus.NEED_UNWRAP || s == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                in.flip();
                sink.clear();
                SSLEngineResult r = e.unwrap(in, sink);
                in.compact();
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                        || (r.bytesConsumed() == 0 && r.getHandshakeStatus() == s)) {
                    return;
                }
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    throw new SSLException("self-test unwrap: " + r.getStatus());
                }
            } else {
                return;
            }
        }
    }
}
