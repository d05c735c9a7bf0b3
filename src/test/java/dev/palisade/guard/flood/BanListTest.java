package dev.palisade.guard.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.palisade.config.GuardConfig;
import dev.palisade.guard.FakeTicker;

class BanListTest {

    private final FakeTicker clock = new FakeTicker();
    private final GuardConfig.Bans config = new GuardConfig.Bans(true, 3, Duration.ofSeconds(10), Duration.ofMinutes(1),
            Duration.ofMinutes(5), Duration.ofHours(1), 1000);
    private final BanList bans = new BanList(config, 64, clock);

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void bansAfterEnoughViolationsWithinTheWindow() throws Exception {
        InetAddress a = ip("192.0.2.1");
        assertFalse(bans.recordViolation(a, BanList.Cause.CONNECTION_RATE, "rate"));
        assertFalse(bans.recordViolation(a, BanList.Cause.CONNECTION_RATE, "rate"));
        assertFalse(bans.isBanned(a));
        assertTrue(bans.recordViolation(a, BanList.Cause.CONNECTION_RATE, "rate"));
        assertTrue(bans.isBanned(a));
        assertEquals(1, bans.issued());
        assertFalse(bans.isBanned(ip("192.0.2.2")));
    }

    @Test
    void violationsOutsideTheWindowDoNotAddUp() throws Exception {
        InetAddress a = ip("192.0.2.1");
        bans.recordViolation(a, BanList.Cause.CONNECTION_RATE, "rate");
        bans.recordViolation(a, BanList.Cause.CONNECTION_RATE, "rate");
        clock.advance(Duration.ofSeconds(11));
        assertFalse(bans.recordViolation(a, BanList.Cause.CONNECTION_RATE, "rate"));
        assertFalse(bans.recordViolation(a, BanList.Cause.CONNECTION_RATE, "rate"));
        assertFalse(bans.isBanned(a));
        assertTrue(bans.recordViolation(a, BanList.Cause.CONNECTION_RATE, "rate"));
    }

    @Test
    void banExpiresAndRepeatOffendersGetDoubleTimeUpToTheMax() throws Exception {
        InetAddress a = ip("192.0.2.1");
        long[] expectedMinutes = {1, 2, 4, 5, 5};
        for (int strike = 1; strike <= expectedMinutes.length; strike++) {
            BanList.Ban b = bans.ban(a, BanList.Cause.CONNECTION_RATE, "flood");
            assertEquals(strike, b.strike());
            assertEquals(Duration.ofMinutes(expectedMinutes[strike - 1]), b.duration());
            clock.advance(b.duration().minusSeconds(1));
            assertTrue(bans.isBanned(a), "still banned one second before the end of strike " + strike);
            assertEquals(Duration.ofSeconds(1), bans.remaining(a));
            clock.advance(Duration.ofSeconds(1));
            assertFalse(bans.isBanned(a), "free at the end of strike " + strike);
            assertNull(bans.remaining(a));
        }
    }

    @Test
    void strikesAreForgottenAfterAWhile() throws Exception {
        InetAddress a = ip("192.0.2.1");
        bans.ban(a, BanList.Cause.CONNECTION_RATE, "flood");
        bans.ban(a, BanList.Cause.CONNECTION_RATE, "flood");
        clock.advance(Duration.ofHours(2));
        assertEquals(Duration.ofMinutes(1), bans.ban(a, BanList.Cause.CONNECTION_RATE, "flood").duration());
    }

    @Test
    void listAndUnbanForTheAdminApi() throws Exception {
        bans.ban(ip("192.0.2.1"), BanList.Cause.CONNECTION_RATE, "flood");
        bans.ban(ip("192.0.2.9"), Duration.ofMinutes(3), "by hand");
        clock.advance(Duration.ofSeconds(30));
        List<BanList.Ban> list = bans.list();
        assertEquals(2, list.size());
        assertEquals("192.0.2.9", list.get(0).address());
        assertEquals(Duration.ofSeconds(150), list.get(0).remaining());
        assertEquals("by hand", list.get(0).reason());
        assertEquals("192.0.2.1", list.get(1).address());
        assertEquals(Duration.ofSeconds(30), list.get(1).remaining());
        assertTrue(bans.unban(ip("192.0.2.1")));
        assertFalse(bans.unban(ip("192.0.2.1")));
        assertFalse(bans.isBanned(ip("192.0.2.1")));
        assertEquals(1, bans.list().size());
    }

    @Test
    void everyBanIsToldToTheListenerWithItsCauseAlsoAfterATakeOver() throws Exception {
        List<String> heard = new java.util.ArrayList<>();
        bans.addListener((key, cause, ban) -> heard.add(cause.label() + " " + ban.address() + " " + ban.strike()));
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 3; i++) {
            bans.recordViolation(a, BanList.Cause.CONNECTIONS, "cap");
        }
        bans.ban(ip("192.0.2.2"), BanList.Cause.RATE_LIMIT, "login");
        bans.ban(ip("192.0.2.3"), Duration.ofMinutes(1), "by hand");
        BanList next = new BanList(config, 64, clock);
        next.takeOver(bans);
        next.ban(ip("192.0.2.4"), BanList.Cause.CONNECTION_RATE, "flood");
        assertEquals(List.of("connections 192.0.2.1 1", "rate_limit 192.0.2.2 1", "manual 192.0.2.3 0",
                "connection_rate 192.0.2.4 1"), heard);
    }

    @Test
    void ipv6IsBannedByItsPrefix() throws Exception {
        bans.ban(ip("2001:db8:1:2::5"), BanList.Cause.CONNECTION_RATE, "flood");
        assertTrue(bans.isBanned(ip("2001:db8:1:2:ffff::1")));
        assertFalse(bans.isBanned(ip("2001:db8:1:3::5")));
        assertEquals("2001:db8:1:2:0:0:0:0/64", bans.list().get(0).address());
    }

    @Test
    void disabledBansIgnoreViolationsButKeepManualBans() throws Exception {
        BanList off = new BanList(new GuardConfig.Bans(false, 1, Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofMinutes(5), Duration.ofHours(1), 1000), 64, clock);
        InetAddress a = ip("192.0.2.1");
        assertFalse(off.recordViolation(a, BanList.Cause.CONNECTION_RATE, "x"));
        assertFalse(off.isBanned(a));
        off.ban(a, Duration.ofMinutes(1), "by hand");
        assertTrue(off.isBanned(a));
    }

    @Test
    void concurrentViolationsBanOnceWithOneStrike() throws Exception {
        InetAddress a = ip("192.0.2.77");
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    bans.recordViolation(a, BanList.Cause.CONNECTION_RATE, "flood");
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertTrue(bans.isBanned(a));
        assertEquals(1, bans.issued());
        assertEquals(1, bans.list().get(0).strike());
    }

    @Test
    void memoryStaysBoundedUnderManyAddresses() throws Exception {
        BanList small = new BanList(new GuardConfig.Bans(true, 1, Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofMinutes(5), Duration.ofHours(1), 100), 64, clock);
        for (int i = 0; i < 5000; i++) {
            small.recordViolation(InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i}),
                    BanList.Cause.CONNECTION_RATE, "x");
        }
        assertTrue(small.list().size() <= 100 + 10, "bans bounded: " + small.list().size());
    }
}
