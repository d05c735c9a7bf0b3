package dev.palisade.headers;

import java.net.InetAddress;

/** Address arithmetic for the client identity modes: truncation and the RFC 5952 text form. */
final class Addresses {

    private Addresses() {
    }

    /** IPv4 to its /24, IPv6 to its /48; an IPv4-mapped IPv6 address is treated as IPv4. */
    static byte[] truncate(InetAddress address) {
        byte[] a = plain(address.getAddress());
        byte[] out = a.clone();
        int keep = out.length == 4 ? 3 : 6;
        for (int i = keep; i < out.length; i++) {
            out[i] = 0;
        }
        return out;
    }

    static String format(InetAddress address) {
        return format(plain(address.getAddress()));
    }

    /** Dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed); no brackets, no scope. */
    static String format(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** Unwraps ::ffff:a.b.c.d to its four bytes. */
    private static byte[] plain(byte[] a) {
        if (a.length == 16) {
            for (int i = 0; i < 10; i++) {
                if (a[i] != 0) {
                    return a;
                }
            }
            if (a[10] == (byte) 0xff && a[11] == (byte) 0xff) {
                return new byte[] {a[12], a[13], a[14], a[15]};
            }
        }
        return a;
    }
}
