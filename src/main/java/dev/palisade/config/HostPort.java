package dev.palisade.config;

/**
 * A host (name, IPv4 or bracketed IPv6 literal) and a port.
 *
 * @param host the host without brackets
 * @param port 0..65535; 0 asks the system for a free port when binding
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: empty (expected: a name or an address)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == ':' || c == '_' || c == '%')) {
                throw new IllegalArgumentException("host: '" + host + "' has an invalid character");
            }
        }
    }

    /** Parses {@code host:port} or {@code [v6]:port}. */
    public static HostPort parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("address: missing (expected: host:port)");
        }
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0 || end + 1 >= s.length() || s.charAt(end + 1) != ':') {
                throw new IllegalArgumentException("address: '" + text + "' (expected: [ipv6]:port)");
            }
            host = s.substring(1, end);
            port = s.substring(end + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException("address: '" + text + "' (expected: host:port)");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address: '" + text + "' has a non-numeric port (expected: host:port)");
        }
        return new HostPort(host, p);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
