package dev.palisade.guard.flood;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The key the guard counts an address under. IPv4 addresses count alone; IPv6 addresses count by their
 * prefix (a /64 by default), because one subscriber usually holds a whole /64 and could otherwise
 * rotate through it to multiply every per-address limit.
 */
public final class AddressKey {

    private AddressKey() {
    }

    /**
     * The counting key for {@code address}: itself for IPv4 (also when it came as an IPv4-mapped IPv6
     * address from a dual-stack socket), the masked prefix for IPv6.
     */
    public static InetAddress of(InetAddress address, int ipv6Prefix) {
        if (address instanceof Inet4Address) {
            return address;
        }
        byte[] b = address.getAddress();
        if (isMapped(b)) {
            return canonical(address);
        }
        if (ipv6Prefix >= 128) {
            return address;
        }
        for (int i = 0; i < 16; i++) {
            int bits = Math.max(0, Math.min(8, ipv6Prefix - i * 8));
            b[i] = (byte) (b[i] & ((0xff << (8 - bits)) & 0xff));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code address}, with an IPv4-mapped IPv6 address turned into the IPv4 address it carries. */
    public static InetAddress canonical(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address;
        }
        byte[] b = address.getAddress();
        if (!isMapped(b)) {
            return address;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isMapped(byte[] b) {
        if (b.length != 16 || b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** How a key reads in logs and the admin API: {@code 192.0.2.1} or {@code 2001:db8::/64}. */
    public static String format(InetAddress key, int ipv6Prefix) {
        String s = key.getHostAddress();
        return key.getAddress().length == 16 && ipv6Prefix < 128 ? s + "/" + ipv6Prefix : s;
    }
}
