package dev.palisade.balance;

import static dev.palisade.balance.Fixtures.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.palisade.config.HostPort;
import dev.palisade.config.OriginGroupConfig;
import dev.palisade.config.PalisadeConfig;

/** DNS-expanded membership and state carried over a reload. */
class MembershipTest {

    private final Fixtures.FakeClock clock = new Fixtures.FakeClock();

    @Test
    void aResolvedNameBecomesOneServerPerAddressWithItsWeight() throws Exception {
        OriginGroupConfig c = new OriginGroupConfig("app", List.of(
                new OriginGroupConfig.Server(HostPort.parse("app.internal:8080"), 2),
                new OriginGroupConfig.Server(HostPort.parse("10.0.0.9:8080"), 1)),
                null, "round_robin", null, null, null, null, null, null, null);
        OriginGroup g = new OriginGroup(c, null, clock);
        assertEquals(List.of(HostPort.parse("app.internal:8080")), g.names());
        g.resolved(HostPort.parse("app.internal:8080"),
                List.of(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.1")));
        List<Origin> origins = g.origins();
        assertEquals(3, origins.size());
        assertEquals("10.0.0.1:8080", origins.get(0).address().toString());
        assertEquals(2, origins.get(0).weight());
        assertEquals(HostPort.parse("app.internal:8080"), origins.get(1).configured());

        // 10.0.0.1 gets ejected; a new answer that still contains it keeps that state
        Origin one = origins.get(0);
        OriginGroupConfig.Outlier o = c.outlier();
        for (int i = 0; i < o.consecutiveFailures(); i++) {
            one.recordFailure(clock.getAsLong(), o);
        }
        g.resolved(HostPort.parse("app.internal:8080"),
                List.of(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.3")));
        assertSame(one, g.origins().get(0));
        assertEquals("ejected", g.snapshot().servers().get(0).state());
        assertEquals("10.0.0.3:8080", g.origins().get(1).address().toString());

        g.resolveFailed(HostPort.parse("app.internal:8080"), "SERVFAIL");
        assertEquals(3, g.origins().size(), "a failed lookup changes nothing");
    }

    @Test
    void aReloadKeepsHealthEjectionAndInFlightCounts() {
        PalisadeConfig cfg = PalisadeConfig.simple(new HostPort("127.0.0.1", 0),
                List.of(HostPort.parse("10.0.0.1:8080"), HostPort.parse("10.0.0.2:8080")));
        OriginGroupConfig c = cfg.origins().get("default");
        Router first = new Router(cfg, null, clock);
        OriginGroup g1 = first.groups().get("default");
        Pick inFlight = g1.select(get());
        Origin o = g1.origins().get(0);
        for (int i = 0; i < c.outlier().consecutiveFailures(); i++) {
            o.recordFailure(clock.getAsLong(), c.outlier());
        }
        Router second = new Router(cfg.withTimeouts(cfg.timeouts()), first, clock);
        OriginGroup g2 = second.groups().get("default");
        assertSame(o, g2.origins().get(0));
        assertEquals("ejected", second.snapshot().get(0).servers().get(0).state());
        assertEquals(1, g2.snapshot().inUse());
        inFlight.end();
        assertEquals(0, g2.snapshot().inUse(), "an attempt of the old generation ends in the shared counters");
        clock.advance(Duration.ofMinutes(1));
        assertTrue(g2.snapshot().count("up") == 2);
    }

    @Test
    void turningHealthChecksOffOnReloadBringsDownServersBack() {
        OriginGroupConfig checked = Fixtures.config("round_robin", 1, 1).withHealthCheck(OriginGroupConfig.HealthCheck.DEFAULTS);
        OriginGroup g1 = new OriginGroup(checked, null, clock);
        Origin o = g1.origins().get(0);
        for (int i = 0; i < 3; i++) {
            o.startCheck();
            g1.checked(o, false, "refused");
        }
        assertEquals("down", g1.snapshot().servers().get(0).state());
        OriginGroup stillChecked = new OriginGroup(checked, g1, clock);
        assertEquals("down", stillChecked.snapshot().servers().get(0).state());
        OriginGroup unchecked = new OriginGroup(Fixtures.config("round_robin", 1, 1), stillChecked, clock);
        assertEquals("up", unchecked.snapshot().servers().get(0).state());
    }

    @Test
    void largeWeightsKeepTheRingBounded() {
        OriginGroup g = new OriginGroup(Fixtures.config("hash", 1000, 1000, 1000, 1000, 1000), null, clock);
        int[] counts = new int[5];
        for (int i = 0; i < 5000; i++) {
            Pick p = g.select(Fixtures.exchange("GET", "10.0." + (i >> 8) + "." + (i & 255), List.of()));
            counts[Fixtures.index(p)]++;
            p.end();
        }
        for (int c : counts) {
            assertTrue(c > 600 && c < 1400, java.util.Arrays.toString(counts));
        }
    }
}
