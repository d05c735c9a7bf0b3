package dev.palisade.server;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Byte classes of RFC 9110 / 9112 used by the request decoder: tokens for methods and field names,
 * what may appear in a request target and in a field value.
 */
final class HeadRules {

    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] TARGET = new boolean[256];
    private static final boolean[] VALUE = new boolean[256];
    private static final boolean[] HOST = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            TOKEN[c] = alnum || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            // visible ASCII except the few characters a URI never carries raw
            TARGET[c] = c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\' && c != '^'
                    && c != '`' && c != '{' && c != '|' && c != '}';
            // field-vchar, SP, HTAB, obs-text; never CR, LF, NUL or other controls
            VALUE[c] = c == '\t' || (c >= 0x20 && c != 0x7f);
            HOST[c] = alnum || "-._~!$&'()*+,;=:[]%".indexOf(c) >= 0;
        }
    }

    /** Stop at the first byte that is not a token character (for {@code ByteBuf.forEachByte}). */
    static final ByteProcessor TOKEN_BYTES = b -> TOKEN[b & 0xff];
    /** Stop at the first byte a request target may not carry raw. */
    static final ByteProcessor TARGET_BYTES = b -> TARGET[b & 0xff];
    /** Stop at the first byte a field value may not carry. */
    static final ByteProcessor VALUE_BYTES = b -> VALUE[b & 0xff];

    private HeadRules() {
    }

    /** Whether every byte of {@code in[from, to)} passes {@code p}. */
    static boolean all(ByteBuf in, int from, int to, ByteProcessor p) {
        return to <= from || in.forEachByte(from, to - from, p) < 0;
    }

    static boolean token(int b) {
        return TOKEN[b & 0xff];
    }

    static boolean target(int b) {
        return TARGET[b & 0xff];
    }

    static boolean value(int b) {
        return VALUE[b & 0xff];
    }

    /**
     * Checks a Host value (RFC 9110 7.2 / RFC 3986 authority without userinfo): a reg-name or IP literal,
     * then an optional numeric port.
     */
    static boolean validHost(String host) {
        if (host.isEmpty() || host.length() > 255) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c > 0xff || !HOST[c]) {
                return false;
            }
        }
        String port;
        if (host.charAt(0) == '[') {
            int end = host.indexOf(']');
            if (end < 0) {
                return false;
            }
            port = end + 1 < host.length() ? host.substring(end + 1) : "";
            if (!port.isEmpty() && port.charAt(0) != ':') {
                return false;
            }
            port = port.isEmpty() ? "" : port.substring(1);
        } else {
            if (host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
                return false;
            }
            int colon = host.indexOf(':');
            if (colon == 0) {
                return false;
            }
            if (colon > 0 && host.indexOf(':', colon + 1) >= 0) {
                return false;
            }
            port = colon < 0 ? null : host.substring(colon + 1);
        }
        if (port == null || port.isEmpty() && host.charAt(0) == '[') {
            return true;
        }
        if (port.isEmpty() || port.length() > 5) {
            return false;
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return false;
            }
        }
        return Integer.parseInt(port) <= 65535;
    }
}
