package dev.palisade.config;

/**
 * Request and response header policy.
 *
 * @param server the Server header value sent to clients; empty omits it
 */
public record HeadersConfig(String server) {

    public static final HeadersConfig DEFAULTS = new HeadersConfig("palisade");

    public HeadersConfig {
        server = server == null ? "" : server;
    }

    static HeadersConfig from(ConfigNode n) {
        String server = n.string("server", "palisade");
        n.finish();
        return new HeadersConfig(server);
    }
}
