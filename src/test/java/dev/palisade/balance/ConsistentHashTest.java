package dev.palisade.balance;

import static dev.palisade.balance.Fixtures.exchange;
import static dev.palisade.balance.Fixtures.header;
import static dev.palisade.balance.Fixtures.index;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.palisade.config.OriginGroupConfig;
import dev.palisade.pipeline.Exchange;

/** Consistent hashing keeps keys where they were when the servers change. */
class ConsistentHashTest {

    private final Fixtures.FakeClock clock = new Fixtures.FakeClock();

    private OriginGroup group(List<OriginGroupConfig.Server> servers, String key) {
        OriginGroupConfig c = new OriginGroupConfig("app", servers, null, "hash", key, null, null,
                new OriginGroupConfig.Outlier(1, Duration.ofSeconds(10), Duration.ofSeconds(10)), null, null, null);
        return new OriginGroup(c, null, clock);
    }

    private static String owner(OriginGroup g, Exchange ex) {
        Pick p = g.select(ex);
        p.end();
        return p.server().toString();
    }

    private static Exchange byHeader(String v) {
        return exchange("GET", "10.1.1.1", List.of(header("X-User", v)));
    }

    @Test
    void removingOneOfTenServersMovesAboutATenthOfTheKeys() {
        List<OriginGroupConfig.Server> ten = Fixtures.servers(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        List<OriginGroupConfig.Server> nine = new ArrayList<>(ten);
        OriginGroupConfig.Server removed = nine.remove(6);
        OriginGroup before = group(ten, "header:X-User");
        OriginGroup after = group(nine, "header:X-User");
        int moved = 0;
        for (int i = 0; i < 10_000; i++) {
            Exchange ex = byHeader("user-" + i);
            String a = owner(before, ex);
            String b = owner(after, ex);
            if (!a.equals(b)) {
                moved++;
                assertEquals(removed.address().toString(), a, "only keys of the removed server move");
            }
        }
        assertTrue(moved > 500 && moved < 1600, "moved " + moved + " of 10000 keys (expected about 1000)");
    }

    @Test
    void sameKeySameServerAndBackAfterEjection() {
        OriginGroup g = group(Fixtures.servers(1, 1, 1, 1), "header:X-User");
        String home = owner(g, byHeader("alice"));
        for (int i = 0; i < 20; i++) {
            assertEquals(home, owner(g, byHeader("alice")));
        }
        // the owner fails once (consecutive_failures 1): ejected, alice moves
        Pick p = g.select(byHeader("alice"));
        p.failed(FailureKind.CONNECT);
        String away = owner(g, byHeader("alice"));
        assertNotEquals(home, away);
        clock.advance(Duration.ofSeconds(11));
        assertEquals(home, owner(g, byHeader("alice")), "the key comes back when its server does");
    }

    @Test
    void cookieAndAddressKeys() {
        OriginGroup byCookie = group(Fixtures.servers(1, 1, 1), "cookie:session");
        Exchange a = exchange("GET", "10.0.0.1", List.of(header("Cookie", "theme=dark; session=abc123; x=y")));
        Exchange b = exchange("GET", "10.0.0.2", List.of(header("Cookie", "session=abc123")));
        assertEquals(owner(byCookie, a), owner(byCookie, b), "same cookie, same server, whatever the address");
        assertEquals("abc123", HashPolicy.cookie(List.of("theme=dark; session=abc123; x=y"), "session"));
        assertEquals(null, HashPolicy.cookie(List.of("sessionx=1"), "session"));

        OriginGroup byAddress = group(Fixtures.servers(1, 1, 1), "address");
        Exchange c = exchange("GET", "192.0.2.7", List.of());
        String first = owner(byAddress, c);
        for (int i = 0; i < 10; i++) {
            assertEquals(first, owner(byAddress, exchange("POST", "192.0.2.7", List.of())));
        }
    }

    @Test
    void requestsWithoutTheKeyAreSpread() {
        OriginGroup g = group(Fixtures.servers(1, 1), "header:X-User");
        int[] counts = new int[2];
        for (int i = 0; i < 1000; i++) {
            Pick p = g.select(exchange("GET", "10.0.0.1", List.of()));
            counts[index(p)]++;
            p.end();
        }
        assertTrue(counts[0] > 350 && counts[1] > 350);
    }
}
