package dev.palisade.config;

/**
 * One listening socket.
 *
 * @param name          a name for logs and metrics
 * @param bind          the address and port to bind (port 0 picks a free one)
 * @param proxyProtocol whether the listener sits behind an L4 balancer that speaks PROXY protocol v1/v2
 * @param tls           TLS settings, or null for plain HTTP
 */
public record ListenerConfig(String name, HostPort bind, boolean proxyProtocol, TlsConfig tls) {

    public ListenerConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: empty (expected: a listener name)");
        }
        if (bind == null) {
            throw new IllegalArgumentException("bind: missing (expected: host:port)");
        }
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
        n.finish();
        return bind == null ? null : n.build(() -> new ListenerConfig(name, bind, proxy, tls), null);
    }

    public boolean secure() {
        return tls != null;
    }
}
