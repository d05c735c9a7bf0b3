package dev.palisade.headers;

import java.util.Locale;

/**
 * Reads the public side of an exchange: the authority the client asked for (its Host) and the port in
 * it. The Host is client input, so anything that is not a plain {@code name[:port]} or
 * {@code [v6][:port]} is treated as absent rather than copied into a header or a URL.
 */
final class PublicOrigin {

    private PublicOrigin() {
    }

    /** {@code host} when it is a well-formed authority without userinfo, otherwise empty. */
    static String validHost(String host) {
        if (host == null || host.isEmpty() || host.length() > 255) {
            return "";
        }
        String name;
        String port = "";
        if (host.charAt(0) == '[') {
            int end = host.indexOf(']');
            if (end < 0) {
                return "";
            }
            name = host.substring(1, end);
            String rest = host.substring(end + 1);
            if (!rest.isEmpty()) {
                if (rest.charAt(0) != ':') {
                    return "";
                }
                port = rest.substring(1);
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return "";
                }
            }
        } else {
            int colon = host.indexOf(':');
            name = colon < 0 ? host : host.substring(0, colon);
            port = colon < 0 ? "" : host.substring(colon + 1);
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                        || c == '-' || c == '_')) {
                    return "";
                }
            }
        }
        if (name.isEmpty() || port.length() > 5 || (host.endsWith(":") && port.isEmpty())) {
            return "";
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return "";
            }
        }
        return host;
    }

    /** The port in a valid authority, or the scheme's default. */
    static int port(String authority, boolean secure) {
        int colon = authority.lastIndexOf(':');
        int bracket = authority.lastIndexOf(']');
        if (colon > bracket && colon + 1 < authority.length()) {
            try {
                return Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                return secure ? 443 : 80;
            }
        }
        return secure ? 443 : 80;
    }

    /** The host name of an authority: no port, no brackets, lower case. */
    static String hostName(String authority) {
        String a = authority;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return (end < 0 ? a.substring(1) : a.substring(1, end)).toLowerCase(Locale.ROOT);
        }
        int colon = a.indexOf(':');
        if (colon >= 0 && a.indexOf(':', colon + 1) < 0) {
            a = a.substring(0, colon);
        }
        return a.toLowerCase(Locale.ROOT);
    }
}
