package dev.palisade.headers;

import java.net.InetAddress;
import java.net.UnknownHostException;

import dev.palisade.config.Cidr;
import dev.palisade.pipeline.ClientInfo;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.RequestHead;

/** Builds exchanges for stage tests without a server. */
final class Exchanges {

    static final String REQUEST_ID = "req-7f3a";

    private Exchanges() {
    }

    /** {@code headers} are the request as the client sent it; {@code origin} "host:port" or empty. */
    static Exchange of(String method, String clientIp, boolean tls, TestHeaders headers, String origin) {
        RequestHead head = RequestHead.of(method, "/", "HTTP/1.1", headers);
        ClientInfo client = new ClientInfo(address(clientIp), 40000, "edge", tls ? "TLSv1.3" : "", "");
        Exchange ex = new Exchange(REQUEST_ID, head, client, 0L);
        ex.origin(origin);
        return ex;
    }

    static Exchange get(String host, boolean tls, String origin) {
        TestHeaders h = new TestHeaders();
        if (host != null && !host.isEmpty()) {
            h.add("Host", host);
        }
        return of("GET", "198.51.100.7", tls, h, origin);
    }

    /** An address literal, never a name lookup. */
    static InetAddress address(String literal) {
        byte[] b = Cidr.literal(literal);
        if (b == null) {
            throw new IllegalArgumentException("not an address literal: " + literal);
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
