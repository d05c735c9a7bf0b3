package dev.palisade.headers;

import java.net.InetAddress;

import dev.palisade.config.ForwardingConfig;
import dev.palisade.config.HeadersConfig.ClientIdentity;
import dev.palisade.pipeline.Attrs;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.MutableHeaders;
import dev.palisade.pipeline.UpstreamRequestStage;

/**
 * Writes what the origin learns about the client: X-Forwarded-For / -Proto / -Host / -Port and RFC 7239
 * Forwarded, in one of three {@link ClientIdentity} modes, and X-Request-Id.
 *
 * <p>Runs in the upstream phase after {@link HopByHop}. Every forwarding header the peer sent
 * ({@link #SPOOFABLE}) is removed unless the peer is a trusted proxy; from a trusted proxy the chains
 * are kept and appended to in forward mode, and removed in truncate and drop mode, so an anonymity mode
 * never lets an address through. The trust decision is made on the connection's peer: the server puts
 * it in {@link #PEER} when {@link Exchange#client()} holds an address it took from a trusted proxy's
 * headers; otherwise the client address is the peer.
 */
public final class ForwardingIdentity implements UpstreamRequestStage {

    /** The address of the peer that sent the request, when it differs from {@code ex.client().address()}. */
    public static final Attrs.Key<InetAddress> PEER = Attrs.Key.of("peer");

    /**
     * Headers that claim something about the client or the hop before us. Dropped from untrusted peers;
     * the default branch is the prefix family, so a new X-Forwarded-Whatever is dropped too.
     */
    public static final HeaderNameSet SPOOFABLE = HeaderNameSet.of(
            // who the client is
            "x-forwarded-*", "forwarded", "x-real-ip", "via", "x-client-ip", "client-ip", "true-client-ip",
            "cf-connecting-ip", "fastly-client-ip", "x-cluster-client-ip", "x-originating-ip", "x-remote-ip",
            "x-remote-addr", "x-proxyuser-ip", "x-request-id",
            // what it asked for: scheme and URL overrides that frameworks honour
            "x-original-*", "x-rewrite-url", "x-host", "x-url-scheme", "front-end-https", "x-arr-*",
            // what a TLS-terminating or authenticating proxy would assert
            "x-ssl-*", "ssl-client-*", "x-client-cert*", "x-client-verify", "x-client-dn", "remote-user",
            "x-remote-user", "x-auth-request-*");

    /** The client address chains, removed even from trusted peers when the mode hides the client. */
    public static final HeaderNameSet ADDRESS_CHAINS = HeaderNameSet.of("x-forwarded-for", "forwarded", "x-real-ip",
            "x-client-ip", "client-ip", "true-client-ip", "cf-connecting-ip", "fastly-client-ip",
            "x-cluster-client-ip", "x-originating-ip", "x-remote-ip", "x-remote-addr", "x-proxyuser-ip",
            "x-original-forwarded-for", "x-forwarded");

    private final ClientIdentity mode;
    private final ForwardingConfig forwarding;

    public ForwardingIdentity(ClientIdentity mode, ForwardingConfig forwarding) {
        this.mode = mode;
        this.forwarding = forwarding;
    }

    @Override
    public void onUpstreamRequest(Exchange ex, MutableHeaders headers) {
        InetAddress peer = ex.attrs().getOrDefault(PEER, ex.client().address());
        boolean trusted = forwarding.trusted(peer);
        if (!trusted) {
            SPOOFABLE.removeFrom(headers);
        } else if (mode != ClientIdentity.FORWARD) {
            ADDRESS_CHAINS.removeFrom(headers);
        }
        headers.remove("x-request-id");
        headers.set("X-Request-Id", ex.requestId());

        String proto = ex.client().secure() ? "https" : "http";
        String host = PublicOrigin.validHost(ex.request().host());
        String forNode = null;
        if (mode == ClientIdentity.FORWARD) {
            forNode = Addresses.format(trusted ? peer : ex.client().address());
        } else if (mode == ClientIdentity.TRUNCATE) {
            forNode = Addresses.format(Addresses.truncate(ex.client().address()));
        }

        ForwardingConfig.Style style = forwarding.style();
        if (trusted && mode == ClientIdentity.FORWARD) {
            ForwardedChains.translate(headers, style);
        }
        if (style.xForwarded()) {
            if (forNode != null) {
                appendList(headers, "X-Forwarded-For", forNode, trusted);
            }
            setUnlessTrusted(headers, "X-Forwarded-Proto", proto, trusted);
            if (!host.isEmpty()) {
                setUnlessTrusted(headers, "X-Forwarded-Host", host, trusted);
            }
            setUnlessTrusted(headers, "X-Forwarded-Port", String.valueOf(PublicOrigin.port(host, ex.client().secure())),
                    trusted);
        }
        if (style.forwarded()) {
            StringBuilder el = new StringBuilder();
            if (forNode != null) {
                el.append("for=").append(forNode.indexOf(':') >= 0 ? "\"[" + forNode + "]\"" : forNode).append(';');
            }
            el.append("proto=").append(proto);
            if (!host.isEmpty()) {
                el.append(";host=").append(quoted(host));
            }
            appendList(headers, "Forwarded", el.toString(), trusted);
        }
    }

    /** Appends to a trusted peer's list (one field, comma-joined), or sets the value alone. */
    private static void appendList(MutableHeaders headers, String name, String value, boolean trusted) {
        if (trusted && headers.contains(name)) {
            String joined = String.join(", ", headers.getAll(name));
            headers.set(name, joined + ", " + value);
        } else {
            headers.set(name, value);
        }
    }

    private static void setUnlessTrusted(MutableHeaders headers, String name, String value, boolean trusted) {
        if (!(trusted && headers.contains(name))) {
            headers.set(name, value);
        }
    }

    /** An RFC 7239 value: a token as is, anything else as a quoted-string. */
    static String quoted(String v) {
        boolean token = !v.isEmpty();
        for (int i = 0; i < v.length() && token; i++) {
            char c = v.charAt(i);
            token = Character.isLetterOrDigit(c) && c < 0x80 || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
        if (token) {
            return v;
        }
        StringBuilder sb = new StringBuilder(v.length() + 2).append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }
}
