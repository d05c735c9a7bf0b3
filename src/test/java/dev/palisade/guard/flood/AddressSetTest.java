package dev.palisade.guard.flood;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.palisade.config.Cidr;

class AddressSetTest {

    private static boolean in(AddressSet s, String ip) throws Exception {
        return s.contains(InetAddress.getByName(ip));
    }

    @Test
    void matchesEachPrefixLength() throws Exception {
        AddressSet s = new AddressSet(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.0.2.7"),
                Cidr.parse("198.51.100.128/25"), Cidr.parse("2001:db8::/32"), Cidr.parse("2001:db9::1"),
                Cidr.parse("2001:dba:0:0:8000::/65")));
        assertTrue(in(s, "10.255.1.1"));
        assertFalse(in(s, "11.0.0.1"));
        assertTrue(in(s, "192.0.2.7"));
        assertFalse(in(s, "192.0.2.8"));
        assertTrue(in(s, "198.51.100.200"));
        assertFalse(in(s, "198.51.100.127"));
        assertTrue(in(s, "2001:db8:ffff::1"));
        assertTrue(in(s, "2001:db9::1"));
        assertFalse(in(s, "2001:db9::2"));
        assertTrue(in(s, "2001:dba::8000:0:0:1"));
        assertFalse(in(s, "2001:dba::7fff:0:0:1"));
    }

    @Test
    void zeroPrefixMatchesTheWholeFamily() throws Exception {
        AddressSet s = new AddressSet(List.of(Cidr.parse("0.0.0.0/0")));
        assertTrue(in(s, "8.8.8.8"));
        assertFalse(in(s, "::1"));
        assertFalse(in(AddressSet.EMPTY, "8.8.8.8"));
    }
}
