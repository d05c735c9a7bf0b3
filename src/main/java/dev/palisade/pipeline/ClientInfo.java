package dev.palisade.pipeline;

import java.net.InetAddress;

/**
 * Who is asking: the real client address (after PROXY protocol or trusted forwarding headers), the
 * listener it came in on and what TLS it used.
 *
 * @param address     the client address stages key on
 * @param port        the client port, 0 when unknown
 * @param listener    the listener's name
 * @param tlsVersion  "TLSv1.3", "TLSv1.2", or empty for plain HTTP
 * @param sni         the server name the client asked for, or empty
 * @param clientCert  the client's TLS certificate (mTLS), or {@link ClientCertificate#NONE}
 */
public record ClientInfo(InetAddress address, int port, String listener, String tlsVersion, String sni,
                         ClientCertificate clientCert) {

    public ClientInfo {
        if (address == null) {
            throw new IllegalArgumentException("address must not be null");
        }
        listener = listener == null ? "" : listener;
        tlsVersion = tlsVersion == null ? "" : tlsVersion;
        sni = sni == null ? "" : sni;
        clientCert = clientCert == null ? ClientCertificate.NONE : clientCert;
    }

    /** A client without a certificate. */
    public ClientInfo(InetAddress address, int port, String listener, String tlsVersion, String sni) {
        this(address, port, listener, tlsVersion, sni, ClientCertificate.NONE);
    }

    /** The same connection facts for another client address (the one a trusted proxy reports). */
    public ClientInfo withAddress(InetAddress real, int realPort) {
        return new ClientInfo(real, realPort, listener, tlsVersion, sni, clientCert);
    }

    public boolean secure() {
        return !tlsVersion.isEmpty();
    }

    public String ip() {
        return address.getHostAddress();
    }
}
