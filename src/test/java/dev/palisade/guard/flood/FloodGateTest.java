package dev.palisade.guard.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.palisade.config.Cidr;
import dev.palisade.config.GuardConfig;
import dev.palisade.guard.FakeTicker;
import dev.palisade.guard.flood.FloodGate.Refusal;

class FloodGateTest {

    private final FakeTicker clock = new FakeTicker();

    private static GuardConfig.Gate gate(int perAddress, int rate, int burst, int max, List<Cidr> allow, List<Cidr> deny) {
        return new GuardConfig.Gate(true, perAddress, rate, burst, max, allow, deny, null, Duration.ofSeconds(5), 1000, 64,
                Duration.ofSeconds(5));
    }

    private FloodGate gate(GuardConfig.Gate g, int banAfter) {
        BanList bans = new BanList(new GuardConfig.Bans(true, banAfter, Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofHours(1), Duration.ofHours(24), 1000), g.ipv6Prefix(), clock);
        return new FloodGate(g, bans, null, clock);
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void perAddressCapLeavesOtherAddressesAlone() throws Exception {
        FloodGate g = gate(gate(3, 100, 100, 1000, List.of(), List.of()), 100);
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            assertTrue(g.admit(a));
        }
        assertFalse(g.admit(a));
        assertEquals(1, g.refused(Refusal.PER_ADDRESS));
        assertTrue(g.admit(ip("192.0.2.2")));
        g.release(a);
        assertTrue(g.admit(a));
        assertEquals(3, g.openConnections(a));
        assertEquals(4, g.openConnections());
    }

    @Test
    void releaseBringsCountsBackToZeroAndFreesTheEntry() throws Exception {
        FloodGate g = gate(gate(3, 100, 100, 1000, List.of(), List.of()), 100);
        InetAddress a = ip("192.0.2.1");
        g.admit(a);
        g.admit(a);
        g.release(a);
        g.release(a);
        assertEquals(0, g.openConnections());
        assertEquals(0, g.addressesWithOpenConnections());
    }

    @Test
    void newConnectionRateIsATokenBucket() throws Exception {
        FloodGate g = gate(gate(1000, 10, 20, 1000, List.of(), List.of()), 1000);
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 20; i++) {
            assertTrue(g.admit(a), "burst connection " + i);
        }
        assertFalse(g.admit(a));
        assertEquals(1, g.refused(Refusal.RATE));
        clock.advance(Duration.ofMillis(100));
        assertTrue(g.admit(a));
        assertFalse(g.admit(a));
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 10; i++) {
            assertTrue(g.admit(a), "refilled connection " + i);
        }
        assertFalse(g.admit(a));
    }

    @Test
    void globalCapRefusesWithoutBlamingTheAddress() throws Exception {
        FloodGate g = gate(gate(10, 100, 100, 2, List.of(), List.of()), 1);
        assertTrue(g.admit(ip("192.0.2.1")));
        assertTrue(g.admit(ip("192.0.2.2")));
        assertFalse(g.admit(ip("192.0.2.3")));
        assertEquals(1, g.refused(Refusal.GLOBAL));
        assertFalse(g.bans().isBanned(ip("192.0.2.3")));
        assertEquals(0, g.openConnections(ip("192.0.2.3")));
        g.release(ip("192.0.2.1"));
        assertTrue(g.admit(ip("192.0.2.3")));
    }

    @Test
    void repeatedRefusalsBanTheAddress() throws Exception {
        FloodGate g = gate(gate(2, 100, 100, 1000, List.of(), List.of()), 3);
        InetAddress a = ip("192.0.2.1");
        g.admit(a);
        g.admit(a);
        for (int i = 0; i < 3; i++) {
            assertFalse(g.admit(a));
        }
        assertTrue(g.bans().isBanned(a));
        g.release(a);
        assertFalse(g.admit(a), "banned although below the cap now");
        assertEquals(1, g.refused(Refusal.BANNED));
        clock.advance(Duration.ofMinutes(1));
        assertTrue(g.admit(a));
    }

    @Test
    void allowlistIsNeverLimitedAndDenylistAlwaysRefused() throws Exception {
        FloodGate g = gate(gate(1, 1, 1, 1000, List.of(Cidr.parse("10.0.0.0/8")),
                List.of(Cidr.parse("203.0.113.0/24"))), 1);
        InetAddress ok = ip("10.1.2.3");
        for (int i = 0; i < 50; i++) {
            assertTrue(g.admit(ok));
        }
        assertEquals(50, g.openConnections());
        for (int i = 0; i < 50; i++) {
            g.release(ok);
        }
        assertEquals(0, g.openConnections());
        assertFalse(g.admit(ip("203.0.113.77")));
        assertEquals(1, g.refused(Refusal.DENIED));
        assertFalse(g.bans().isBanned(ip("203.0.113.77")), "a deny is not a violation");
    }

    @Test
    void ipv6AddressesShareTheirPrefixAllowance() throws Exception {
        FloodGate g = gate(gate(2, 100, 100, 1000, List.of(), List.of()), 100);
        assertTrue(g.admit(ip("2001:db8::1")));
        assertTrue(g.admit(ip("2001:db8::2")));
        assertFalse(g.admit(ip("2001:db8::3")));
        assertTrue(g.admit(ip("2001:db8:0:1::1")));
    }

    @Test
    void ipv4MappedAddressesCountAsTheirIpv4Address() throws Exception {
        FloodGate g = gate(gate(2, 100, 100, 1000, List.of(), List.of(Cidr.parse("203.0.113.0/24"))), 100);
        InetAddress mapped = java.net.Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1}, -1);
        assertTrue(mapped instanceof java.net.Inet6Address);
        assertTrue(g.admit(mapped));
        assertTrue(g.admit(ip("192.0.2.1")));
        assertFalse(g.admit(mapped), "one allowance for both forms");
        g.release(mapped);
        assertEquals(1, g.openConnections(ip("192.0.2.1")));
        InetAddress mappedDenied = java.net.Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 203, 0, 113, 9}, -1);
        assertFalse(g.admit(mappedDenied));
        assertEquals(1, g.refused(Refusal.DENIED));
    }

    @Test
    void disabledGateStillHonoursDenyAndBans() throws Exception {
        GuardConfig.Gate off = new GuardConfig.Gate(false, 1, 1, 1, 1, List.of(), List.of(Cidr.parse("203.0.113.0/24")),
                null, Duration.ofSeconds(5), 1000, 64, Duration.ofSeconds(5));
        FloodGate g = gate(off, 1);
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 10; i++) {
            assertTrue(g.admit(a));
        }
        assertFalse(g.admit(ip("203.0.113.1")));
        g.bans().ban(a, BanList.Cause.CONNECTION_RATE, "by hand");
        assertFalse(g.admit(a));
    }

    @Test
    void memoryStaysFlatUnderAFloodFromManyAddresses() throws Exception {
        GuardConfig.Gate cfg = new GuardConfig.Gate(true, 10, 10, 10, 100_000, List.of(), List.of(), null,
                Duration.ofSeconds(5), 500, 64, Duration.ofSeconds(5));
        FloodGate g = gate(cfg, 100);
        for (int i = 0; i < 20_000; i++) {
            InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
            assertTrue(g.admit(a));
            g.release(a);
        }
        assertTrue(g.trackedAddresses() <= 500, "buckets bounded: " + g.trackedAddresses());
        assertEquals(0, g.addressesWithOpenConnections());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(0, g.trackedAddresses(), "idle buckets expire once they would be full");
    }
}
