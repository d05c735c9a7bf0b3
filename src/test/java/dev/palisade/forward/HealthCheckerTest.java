package dev.palisade.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.balance.OriginGroup;
import dev.palisade.config.OriginGroupConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;

/** The active checker against real origins on loopback ports: fall, rise, timeouts, wrong status. */
@Timeout(30)
class HealthCheckerTest {

    private EventLoopGroup loops;
    private DnsAddressResolverGroup resolver;
    private SwitchableOrigin a;
    private SwitchableOrigin b;

    @BeforeEach
    void setUp() {
        loops = Transports.newGroup(1, "health-test");
        resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder().datagramChannelType(Transports.datagramChannel()));
        a = new SwitchableOrigin();
        b = new SwitchableOrigin();
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
        resolver.close();
        loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private OriginGroup group(Duration interval, Duration timeout, int expect) {
        OriginGroupConfig c = OriginGroupConfig.of("app", List.of(a.hostPort(), b.hostPort()))
                .withHealthCheck(new OriginGroupConfig.HealthCheck("/health", expect, interval, timeout, 2, 3))
                .withSlowStart(Duration.ofSeconds(30));
        return new OriginGroup(c);
    }

    private static String state(OriginGroup g, int i) {
        return g.snapshot().servers().get(i).state();
    }

    @Test
    void aKilledOriginGoesDownAfterFallFailuresAndUpAfterRiseSuccesses() {
        OriginGroup g = group(Duration.ofHours(1), Duration.ofSeconds(2), 200);
        HealthChecker checker = HealthChecker.manual(resolver);
        EventLoop loop = loops.next();
        checker.round(g, loop).syncUninterruptibly();
        assertEquals(1, a.requests.get(), "GET /health reached the origin");
        assertEquals("up", state(g, 0));

        a.kill();
        checker.round(g, loop).syncUninterruptibly();
        checker.round(g, loop).syncUninterruptibly();
        assertEquals("up", state(g, 0), "two failures, fall is 3");
        checker.round(g, loop).syncUninterruptibly();
        assertEquals("down", state(g, 0));
        assertEquals("up", state(g, 1), "the other server is untouched");

        a.revive();
        checker.round(g, loop).syncUninterruptibly();
        assertEquals("down", state(g, 0), "one success, rise is 2");
        checker.round(g, loop).syncUninterruptibly();
        assertEquals("slow_start", state(g, 0), "back, ramping up its weight");
        assertEquals(3, a.requests.get());
        checker.close();
    }

    @Test
    void aWrongStatusOrNoAnswerInTimeIsAFailure() {
        OriginGroup g = group(Duration.ofHours(1), Duration.ofMillis(300), 200);
        HealthChecker checker = HealthChecker.manual(resolver);
        EventLoop loop = loops.next();
        a.status.set(503);
        b.status.set(0);
        for (int i = 0; i < 3; i++) {
            checker.round(g, loop).syncUninterruptibly();
        }
        assertEquals("down", state(g, 0), "503 is not the expected 200");
        assertEquals("down", state(g, 1), "no response head within the timeout");
        assertEquals(3, b.requests.get());
        checker.close();
    }

    @Test
    void anyTwoOrThreeHundredPassesWhenNoStatusIsExpected() {
        OriginGroup g = group(Duration.ofHours(1), Duration.ofSeconds(2), 0);
        HealthChecker checker = HealthChecker.manual(resolver);
        a.status.set(302);
        b.status.set(500);
        for (int i = 0; i < 3; i++) {
            checker.round(g, loops.next()).syncUninterruptibly();
        }
        assertEquals("up", state(g, 0));
        assertEquals("down", state(g, 1));
        checker.close();
    }

    @Test
    void theScheduledCheckerFindsAKilledOriginAndItsReturn() throws Exception {
        OriginGroup g = group(Duration.ofMillis(50), Duration.ofSeconds(1), 200);
        try (HealthChecker checker = HealthChecker.start(List.of(g), loops, resolver, java.util.Map.of())) {
            a.kill();
            awaitState(g, 0, "down");
            int before = b.requests.get();
            a.revive();
            awaitState(g, 0, "slow_start");
            assertTrue(b.requests.get() > before, "the healthy server keeps being checked");
        }
    }

    private static void awaitState(OriginGroup g, int i, String want) throws InterruptedException {
        while (!state(g, i).equals(want)) {
            Thread.sleep(10);
        }
    }
}
