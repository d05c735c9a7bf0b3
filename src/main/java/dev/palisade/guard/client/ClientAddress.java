package dev.palisade.guard.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

import dev.palisade.config.Cidr;
import dev.palisade.config.ForwardingConfig;
import dev.palisade.pipeline.Headers;

/**
 * Who the client really is. Two sources, both believed only from peers the operator trusts:
 * <ul>
 *   <li>the PROXY protocol header on listeners marked {@code proxy_protocol: true}, recorded by
 *       {@link ProxyProtocolHandler} under {@link #KEY};</li>
 *   <li>{@code X-Forwarded-For} / {@code Forwarded} sent by a peer in {@code forwarding.trusted_proxies},
 *       read by {@link #resolve}.</li>
 * </ul>
 */
public final class ClientAddress {

    /** The client address given by the PROXY protocol header; absent on other listeners. */
    public static final AttributeKey<InetSocketAddress> KEY = AttributeKey.valueOf("palisade.clientAddress");

    /** Hops read from the right of a forwarding header at most; a longer chain is cut there. */
    static final int MAX_HOPS = 32;

    private ClientAddress() {
    }

    /**
     * The connection's client: the PROXY protocol address when there is one (on this channel or, for an
     * HTTP/2 stream, its parent), else the TCP peer. Null for channels without an IP peer.
     */
    public static InetSocketAddress of(Channel ch) {
        for (Channel c = ch; c != null; c = c.parent()) {
            // hasAttr first: attr() would create an empty attribute on every channel it is asked about
            InetSocketAddress a = c.hasAttr(KEY) ? c.attr(KEY).get() : null;
            if (a != null) {
                return a;
            }
        }
        SocketAddress r = ch.remoteAddress();
        return r instanceof InetSocketAddress isa ? isa : null;
    }

    /**
     * The client address of a request on {@code ch}: the PROXY protocol address or TCP peer, then trusted
     * forwarding headers as in {@link #resolve(InetAddress, Headers, ForwardingConfig)}. Null for channels
     * without an IP peer.
     */
    public static InetSocketAddress resolve(Channel ch, Headers headers, ForwardingConfig fwd) {
        InetSocketAddress peer = of(ch);
        if (peer == null) {
            return null;
        }
        InetAddress client = resolve(peer.getAddress(), headers, fwd);
        // The port is the peer's only when the peer is the client.
        return client == peer.getAddress() ? peer : new InetSocketAddress(client, 0);
    }

    /**
     * The client address of a request that came from {@code peer}. {@code X-Forwarded-For} (or, when
     * absent, {@code Forwarded}) is believed only when {@code peer} is a trusted proxy; then the hops are
     * walked from the right and the first one that is not itself a trusted proxy is the client. A hop that
     * is not an IP address ({@code unknown}, an obfuscated name, garbage) stops the walk at the last
     * trusted hop, since nothing to its left can be believed. When every hop is trusted, the left-most is
     * the client.
     *
     * <p>When a trusted proxy writes only {@code Forwarded}, it must drop a client's
     * {@code X-Forwarded-For}, which is read first (nginx, HAProxy, cloud balancers and CDNs write it).
     */
    public static InetAddress resolve(InetAddress peer, Headers headers, ForwardingConfig fwd) {
        if (peer == null || headers == null || fwd == null || !fwd.trusted(peer)) {
            return peer;
        }
        List<String> hops;
        List<String> xff = headers.getAll("x-forwarded-for");
        if (!xff.isEmpty()) {
            hops = split(xff, false);
        } else {
            List<String> fwdd = headers.getAll("forwarded");
            if (fwdd.isEmpty()) {
                return peer;
            }
            hops = split(fwdd, true);
        }
        InetAddress client = peer;
        int seen = 0;
        for (int i = hops.size() - 1; i >= 0 && seen < MAX_HOPS; i--, seen++) {
            InetAddress hop = parseHop(hops.get(i));
            if (hop == null) {
                return client;
            }
            client = hop;
            if (!fwd.trusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    /** Splits header values on commas; for {@code Forwarded} keeps each element's {@code for=} value. */
    private static List<String> split(List<String> values, boolean forwarded) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            int start = 0;
            boolean quoted = false;
            for (int i = 0; i <= v.length(); i++) {
                char c = i < v.length() ? v.charAt(i) : ',';
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == ',' && !quoted) {
                    String el = v.substring(start, i).trim();
                    start = i + 1;
                    if (forwarded) {
                        el = forParam(el);
                    }
                    out.add(el);
                }
            }
        }
        return out;
    }

    /** The value of {@code for=} in one Forwarded element, unquoted; empty when missing. */
    private static String forParam(String element) {
        for (String pair : element.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("for")) {
                String v = pair.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return "";
    }

    /**
     * An IP literal from a hop: {@code 192.0.2.1}, {@code 192.0.2.1:4711}, {@code [2001:db8::1]},
     * {@code [2001:db8::1]:4711} or a bare {@code 2001:db8::1}. Null for anything else. Never does DNS.
     */
    static InetAddress parseHop(String hop) {
        String s = hop.trim();
        if (s.isEmpty() || s.length() > 64) {
            return null;
        }
        if (s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 0) {
                return null;
            }
            String rest = s.substring(close + 1);
            if (!rest.isEmpty() && !isPort(rest)) {
                return null;
            }
            s = s.substring(1, close);
            if (s.indexOf(':') < 0) {
                return null;
            }
        } else {
            int colon = s.indexOf(':');
            if (colon >= 0 && colon == s.lastIndexOf(':')) {
                if (!isPort(s.substring(colon))) {
                    return null;
                }
                s = s.substring(0, colon);
            }
        }
        if (s.indexOf('%') >= 0) {
            return null;
        }
        byte[] b = Cidr.literal(s);
        if (b == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isPort(String colonPort) {
        if (colonPort.length() < 2 || colonPort.length() > 6 || colonPort.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < colonPort.length(); i++) {
            if (!Character.isDigit(colonPort.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
