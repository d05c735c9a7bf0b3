package dev.palisade.forward;

import dev.palisade.config.HostPort;
import io.netty.handler.ssl.SslContext;

/**
 * Where a pooled origin connection goes and how: the address to connect to and, for TLS, the client
 * context and the name sent as SNI and checked against the certificate. Pooled connections are kept per
 * endpoint, so a connection is only reused for the same address, context and name (contexts compare by
 * identity: a reload builds new ones, and connections of the old settings are no longer handed out).
 *
 * @param address    the server (an IP literal once the configured name was resolved)
 * @param tls        the client context, or null for plain HTTP
 * @param serverName the SNI name and the name the certificate must carry; unused without TLS
 */
public record OriginEndpoint(HostPort address, SslContext tls, String serverName) {

    public static OriginEndpoint plain(HostPort address) {
        return new OriginEndpoint(address, null, null);
    }

    public boolean secure() {
        return tls != null;
    }

    @Override
    public String toString() {
        return secure() ? "https://" + address + (serverName.equals(address.host()) ? "" : " (" + serverName + ")")
                : address.toString();
    }
}
