package dev.palisade.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import dev.palisade.pipeline.ClientCertificate;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;

/**
 * What the TLS handshake of a connection established, for {@code ClientInfo}, the rule engine and the
 * access log. Every method returns an empty string on a plain connection or before the handshake is
 * done. An HTTP/2 stream channel answers for its parent connection.
 */
public final class TlsFacts {

    /** The SNI name the client sent, lowercase; empty when it sent none. Set by {@link SniSelector}. */
    static final AttributeKey<String> SNI = AttributeKey.valueOf("palisade.tls.sni");

    private static final AttributeKey<ClientCertificate> CLIENT_CERT = AttributeKey.valueOf("palisade.tls.clientCert");

    private TlsFacts() {
    }

    /** "TLSv1.3" or "TLSv1.2"; empty for plain HTTP. */
    public static String version(Channel ch) {
        SSLSession s = session(ch);
        String p = s == null ? null : s.getProtocol();
        return p == null || p.equals("NONE") ? "" : p;
    }

    /** The server name the client asked for; empty when none or plain HTTP. */
    public static String sni(Channel ch) {
        Channel c = connection(ch);
        if (c == null) {
            return "";
        }
        String v = c.attr(SNI).get();
        return v == null ? "" : v;
    }

    /** The ALPN result, "h2" or "http/1.1"; empty when the client did not use ALPN or for plain HTTP. */
    public static String applicationProtocol(Channel ch) {
        SslHandler h = handshaken(ch);
        String p = h == null ? null : h.applicationProtocol();
        return p == null ? "" : p;
    }

    /** The negotiated cipher suite, as the JDK names it; empty for plain HTTP. */
    public static String cipherSuite(Channel ch) {
        SSLSession s = session(ch);
        String c = s == null ? null : s.getCipherSuite();
        return c == null || c.startsWith("SSL_NULL") ? "" : c;
    }

    /** The subject of the client's certificate (mTLS) in RFC 2253 form; empty when it sent none. */
    public static String clientSubject(Channel ch) {
        X509Certificate c = clientCertificate(ch);
        return c == null ? "" : c.getSubjectX500Principal().getName();
    }

    /** The SHA-256 fingerprint of the client's certificate, lowercase hex without colons; empty when none. */
    public static String clientFingerprint(Channel ch) {
        X509Certificate c = clientCertificate(ch);
        return c == null ? "" : CertNames.fingerprint(c);
    }

    /**
     * The client certificate's facts for the rules and the log, worked out once per connection (HTTP/2
     * streams share them); {@link ClientCertificate#NONE} when the client sent none.
     */
    public static ClientCertificate clientFacts(Channel ch) {
        Channel c = connection(ch);
        if (c == null) {
            return ClientCertificate.NONE;
        }
        ClientCertificate known = c.attr(CLIENT_CERT).get();
        if (known != null) {
            return known;
        }
        X509Certificate cert = clientCertificate(c);
        ClientCertificate facts = cert == null ? ClientCertificate.NONE : new ClientCertificate(
                cert.getSubjectX500Principal().getName(), cert.getIssuerX500Principal().getName(), clientFingerprint(c), true);
        if (handshaken(c) != null) {
            c.attr(CLIENT_CERT).set(facts);
        }
        return facts;
    }

    /** The client's certificate (mTLS), or null. */
    public static X509Certificate clientCertificate(Channel ch) {
        SSLSession s = session(ch);
        if (s == null) {
            return null;
        }
        try {
            Certificate[] peer = s.getPeerCertificates();
            return peer.length > 0 && peer[0] instanceof X509Certificate x ? x : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static SSLSession session(Channel ch) {
        SslHandler h = handshaken(ch);
        return h == null ? null : h.engine().getSession();
    }

    private static SslHandler handshaken(Channel ch) {
        Channel c = connection(ch);
        if (c == null) {
            return null;
        }
        SslHandler h = c.pipeline().get(SslHandler.class);
        return h != null && h.handshakeFuture().isSuccess() ? h : null;
    }

    /** The channel itself, or for an HTTP/2 stream the connection channel that carries the TLS handler. */
    private static Channel connection(Channel ch) {
        if (ch == null) {
            return null;
        }
        if (ch.pipeline().get(SslHandler.class) == null && ch.parent() != null
                && ch.parent().pipeline().get(SslHandler.class) != null) {
            return ch.parent();
        }
        return ch;
    }
}
