package dev.palisade.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a /32 or /128.
 * Parsing never does a DNS lookup.
 */
public record Cidr(byte[] network, int prefix) {

    public Cidr {
        if (network == null || (network.length != 4 && network.length != 16)) {
            throw new IllegalArgumentException("cidr: bad address length");
        }
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("cidr: prefix /" + prefix + " (expected: 0.." + network.length * 8 + ")");
        }
        network = mask(network.clone(), prefix);
    }

    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("cidr: empty (expected: address or address/prefix)");
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("cidr: '" + text + "' is not an IP address or block");
        }
        int prefix = bytes.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cidr: '" + text + "' has a bad prefix length");
            }
        }
        return new Cidr(bytes, prefix);
    }

    /** Parses an IPv4 or IPv6 literal without any name lookup; null when it is not one. */
    public static byte[] literal(String s) {
        if (s.isEmpty()) {
            return null;
        }
        boolean v6 = s.indexOf(':') >= 0;
        if (!v6) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3) {
                    return null;
                }
                int v = 0;
                for (int j = 0; j < p.length(); j++) {
                    char c = p.charAt(j);
                    if (c < '0' || c > '9') {
                        return null;
                    }
                    v = v * 10 + (c - '0');
                }
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return null;
            }
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    public boolean contains(byte[] addr) {
        if (addr.length != network.length) {
            if (network.length == 4 && addr.length == 16 && isMappedV4(addr)) {
                byte[] v4 = new byte[4];
                System.arraycopy(addr, 12, v4, 0, 4);
                addr = v4;
            } else {
                return false;
            }
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (addr[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xff << (8 - rest)) & 0xff;
        return (addr[full] & m) == (network[full] & 0xff);
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] b, int prefix) {
        for (int i = 0; i < b.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] = (byte) (b[i] & ((0xff << (8 - bits)) & 0xff));
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            return "?/" + prefix;
        }
    }
}
