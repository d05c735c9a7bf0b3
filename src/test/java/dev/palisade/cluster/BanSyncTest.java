package dev.palisade.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.palisade.config.ClusterConfig;
import dev.palisade.config.GuardConfig;
import dev.palisade.guard.flood.BanList;

/** Ban messages from other nodes: applied when well formed, ignored when not (never a name lookup, never our own). */
class BanSyncTest {

    private final BanList bans = new BanList(GuardConfig.Bans.DEFAULTS, 64);

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void messagesFromPeersAreAppliedAndBadOnesIgnored() throws Exception {
        try (ClusterNode node = ClusterNode.create(ClusterConfig.of("redis://127.0.0.1:1", "me"))) {
            BanSync sync = new BanSync(node, "palisade:", () -> bans);
            sync.onMessage("ban\tother\t192.0.2.7\t60000\tover rate limit 'login'");
            assertTrue(bans.isBanned(ip("192.0.2.7")));
            Duration left = bans.remaining(ip("192.0.2.7"));
            assertTrue(left.compareTo(Duration.ofSeconds(55)) > 0 && left.compareTo(Duration.ofSeconds(60)) <= 0, left.toString());
            assertTrue(bans.list().get(0).reason().contains("(node other)"), bans.list().toString());

            sync.onMessage("ban\tother\t2001:db8::1\t60000\tv6");
            assertTrue(bans.isBanned(ip("2001:db8::ffff")), "an IPv6 ban covers the prefix");

            sync.onMessage("unban\tother\t192.0.2.7");
            assertFalse(bans.isBanned(ip("192.0.2.7")));

            for (String bad : new String[] {
                "ban\tme\t192.0.2.8\t60000\tmy own message",
                "ban\tother\tevil.example\t60000\ta name is never looked up",
                "ban\tother\tcafe\t60000\thex letters without a colon are a name",
                "ban\tother\t192.0.2.9\tsoon\tnot a number",
                "ban\tother\t192.0.2.10\t-5\tnegative",
                "ban\tother\t192.0.2.11",
                "garbage",
                "",
            }) {
                sync.onMessage(bad);
            }
            assertEquals(1, bans.size(), bans.list().toString());

            sync.onMessage("ban\tother\t192.0.2.12\t" + Long.MAX_VALUE + "\tforever");
            assertTrue(bans.remaining(ip("192.0.2.12")).toDays() <= 365, "a peer's ban is capped");

            sync.onMessage("clear\tme");
            sync.onMessage("clear\tother\tsurplus");
            assertEquals(2, bans.size(), "our own clear and a malformed one are ignored");
            sync.onMessage("clear\tother");
            assertEquals(0, bans.size(), "a peer's clear lifts every ban");
        }
    }

    @Test
    void bansDecidedHereReachTheListenerAndPeerBansDoNot() throws Exception {
        List<String> heard = new ArrayList<>();
        bans.addListener(new BanList.Listener() {
            @Override
            public void banned(InetAddress key, BanList.Cause cause, BanList.Ban ban) {
                heard.add("ban " + key.getHostAddress() + " " + ban.duration().toSeconds());
            }

            @Override
            public void unbanned(InetAddress key) {
                heard.add("unban " + key.getHostAddress());
            }

            @Override
            public void cleared() {
                heard.add("clear");
            }
        });
        bans.ban(ip("198.51.100.1"), Duration.ofSeconds(30), "admin");
        bans.applyPeerBan(ip("198.51.100.2"), Duration.ofSeconds(30), "peer");
        bans.unban(ip("198.51.100.1"));
        bans.applyPeerUnban(ip("198.51.100.2"));
        assertEquals(List.of("ban 198.51.100.1 30", "unban 198.51.100.1"), heard);
        bans.applyPeerBan(ip("198.51.100.2"), Duration.ofSeconds(30), "peer");
        bans.applyPeerClear();
        assertEquals(0, bans.size());
        bans.ban(ip("198.51.100.4"), Duration.ofSeconds(30), "admin");
        assertEquals(1, bans.clear(), "clear says how many it lifted");
        assertEquals(List.of("ban 198.51.100.1 30", "unban 198.51.100.1", "ban 198.51.100.4 30", "clear"), heard);
        heard.clear();

        BanList next = new BanList(GuardConfig.Bans.DEFAULTS, 64);
        next.takeOver(bans);
        next.ban(ip("198.51.100.3"), Duration.ofSeconds(5), "after a reload");
        assertEquals("ban 198.51.100.3 5", heard.get(0), "a reloaded ban list keeps telling");
        assertNull(next.remaining(ip("198.51.100.2")));
    }
}
