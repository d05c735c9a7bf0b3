package dev.palisade.config;

/**
 * One listening socket.
 *
 * @param name          a name for logs and metrics
 * @param bind          the address and port to bind (port 0 picks a free one)
 * @param proxyProtocol whether the listener sits behind an L4 balancer that speaks PROXY protocol v1/v2
 * @param tls           TLS settings, or null for plain HTTP
 * @param httpsRedirect on a plain listener: answer every request with 308 to the same path over HTTPS; null: off
 */
public record ListenerConfig(String name, HostPort bind, boolean proxyProtocol, TlsConfig tls, HttpsRedirect httpsRedirect) {

    /**
     * Plain HTTP answered with {@code 308 Location: https://HOST[:PORT]/path?query}. The host is never taken
     * from the request as is (that would make an open redirect): it is {@code host} when set, otherwise the
     * request's Host only when a certificate of the TLS listener covers that name.
     *
     * @param listener the TLS listener clients are sent to; empty: the first TLS listener
     * @param port     the port in the Location (443 is left out); 0: the TLS listener's own port
     * @param host     the public name every redirect goes to; empty: the request's Host, checked as above
     */
    public record HttpsRedirect(String listener, int port, String host) {
        public static final HttpsRedirect DEFAULTS = new HttpsRedirect("", 0, "");

        public HttpsRedirect {
            listener = listener == null ? "" : listener.trim();
            host = host == null ? "" : host.trim().toLowerCase(java.util.Locale.ROOT);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("https_redirect.port: " + port + " (expected: 1..65535, or 0 for the TLS listener's port)");
            }
            if (!host.isEmpty() && !host.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
                throw new IllegalArgumentException("https_redirect.host: '" + host + "' (expected: a DNS name such as www.example.com)");
            }
        }
    }

    public ListenerConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: empty (expected: a listener name)");
        }
        if (bind == null) {
            throw new IllegalArgumentException("bind: missing (expected: host:port)");
        }
        if (httpsRedirect != null && tls != null) {
            throw new IllegalArgumentException("https_redirect: set on a TLS listener (expected: on a plain HTTP listener)");
        }
    }

    public ListenerConfig(String name, HostPort bind, boolean proxyProtocol, TlsConfig tls) {
        this(name, bind, proxyProtocol, tls, null);
    }

    public static ListenerConfig plain(String name, HostPort bind) {
        return new ListenerConfig(name, bind, false, null);
    }

    static ListenerConfig from(ConfigNode n, int index) {
        String name = n.string("name", "listener" + index);
        HostPort bind = n.parsed("bind", HostPort::parse, null);
        if (bind == null && !n.has("bind")) {
            n.problem("bind: missing (expected: host:port)");
        }
        boolean proxy = n.bool("proxy_protocol", false);
        ConfigNode t = n.get("tls");
        TlsConfig tls = t == null ? null : TlsConfig.from(t);
        ConfigNode r = n.get("https_redirect");
        HttpsRedirect redirect = r == null ? null : redirect(r);
        n.finish();
        return bind == null ? null : n.build(() -> new ListenerConfig(name, bind, proxy, tls, redirect), null);
    }

    /** {@code https_redirect: true} or a mapping (listener, port, host). */
    private static HttpsRedirect redirect(ConfigNode r) {
        if (r.isScalar()) {
            if (r.text().equals("true")) {
                return HttpsRedirect.DEFAULTS;
            }
            if (!r.text().equals("false")) {
                r.problem("'" + r.text() + "' (expected: true, false, or a mapping with listener, port, host)");
            }
            return null;
        }
        if (!r.isMapping()) {
            r.problem("expected true or a mapping (listener, port, host)");
            return null;
        }
        String listener = r.string("listener", "");
        int port = (int) r.number("port", 1, 65535, 0);
        String host = r.string("host", "");
        r.finish();
        return r.build(() -> new HttpsRedirect(listener, port, host), null);
    }

    public boolean secure() {
        return tls != null;
    }
}
