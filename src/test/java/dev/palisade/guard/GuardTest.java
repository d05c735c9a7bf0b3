package dev.palisade.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.GuardConfig;
import dev.palisade.guard.flood.BanCheckStage;
import dev.palisade.guard.flood.BanList;
import dev.palisade.guard.rate.LocalRateLimitStore;
import dev.palisade.guard.rate.RateLimitStage;
import dev.palisade.pipeline.ConnectionGate;

class GuardTest {

    @TempDir
    Path dir;

    private GuardConfig parse(String guard) throws ConfigException {
        String yaml = "listeners: [{bind: 127.0.0.1:0}]\norigins: {app: {servers: [127.0.0.1:9000]}}\n" + guard;
        return ConfigLoader.parse(yaml, "palisade.yaml", null, dir).guard().resolve(dir);
    }

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void defaultsTurnOnGateBansAndSlowClientDefences() throws Exception {
        try (Guard g = Guard.create(GuardConfig.DEFAULTS)) {
            assertSame(g.floodGate(), g.gate());
            assertNotNull(g.bodyRateHandler());
            assertNotNull(g.slowReaderHandler());
            assertNotNull(g.proxyProtocolHandler());
            assertEquals(1, g.requestStages().size());
            assertInstanceOf(BanCheckStage.class, g.requestStages().get(0));
        }
    }

    @Test
    void rateLimitStageIsAddedWhenPoliciesExist() throws Exception {
        try (Guard g = Guard.create(parse("guard: {rate_limits: [{name: api, limits: [10/s]}]}"))) {
            assertEquals(2, g.requestStages().size());
            assertInstanceOf(RateLimitStage.class, g.requestStages().get(1));
        }
    }

    @Test
    void masterSwitchTurnsEverythingOff() throws Exception {
        try (Guard g = Guard.create(parse("guard: {enabled: false, rate_limits: [{name: api, limits: [10/s]}]}"))) {
            assertSame(ConnectionGate.OPEN, g.gate());
            assertNull(g.bodyRateHandler());
            assertNull(g.slowReaderHandler());
            assertTrue(g.requestStages().isEmpty());
        }
    }

    @Test
    void slowClientHandlersGoWhereTheyAreAsked() throws Exception {
        try (Guard g = Guard.create(GuardConfig.DEFAULTS)) {
            io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel();
            g.addSlowClientHandlers(ch.pipeline());
            assertEquals(List.of("slow-reader", "body-rate"), ch.pipeline().names().subList(0, 2));
            assertFalse(ch.finishAndReleaseAll());
        }
        try (Guard g = Guard.create(parse("guard: {slow: {min_body_rate: off}}"))) {
            io.netty.channel.embedded.EmbeddedChannel ch = new io.netty.channel.embedded.EmbeddedChannel();
            g.addSlowClientHandlers(ch.pipeline());
            assertEquals("slow-reader", ch.pipeline().names().get(0));
            assertNull(ch.pipeline().get("body-rate"));
            assertFalse(ch.finishAndReleaseAll());
        }
    }

    @Test
    void slowDefencesCanBeTurnedOffOneByOne() throws Exception {
        try (Guard g = Guard.create(parse("guard: {slow: {min_body_rate: 0, write_timeout: 0s}}"))) {
            assertNull(g.bodyRateHandler());
            assertNull(g.slowReaderHandler());
        }
    }

    @Test
    void reloadKeepsBansAndOpenConnections() throws Exception {
        FakeTicker clock = new FakeTicker();
        Guard first = Guard.create(parse("guard: {gate: {max_connections_per_address: 2}}"), clock,
                new LocalRateLimitStore(clock));
        assertTrue(first.gate().admit(ip("192.0.2.1")));
        assertTrue(first.gate().admit(ip("192.0.2.1")));
        first.bans().ban(ip("192.0.2.9"), BanList.Cause.CONNECTION_RATE, "flood");

        Guard second = first.reload(parse("guard: {gate: {max_connections_per_address: 3}, bans: {duration: 5m}}"));
        first.close();
        assertTrue(second.bans().isBanned(ip("192.0.2.9")), "a reload unbans nobody");
        assertEquals(2, second.floodGate().openConnections(ip("192.0.2.1")));
        assertTrue(second.gate().admit(ip("192.0.2.1")));
        assertFalse(second.gate().admit(ip("192.0.2.1")), "old connections count against the new cap");
        first.gate().release(ip("192.0.2.1"));
        assertEquals(2, second.floodGate().openConnections(ip("192.0.2.1")), "released into the shared counts");
        second.close();
    }

    @Test
    void denyFileIsResolvedAndLoaded() throws Exception {
        Files.writeString(dir.resolve("deny.txt"), "198.51.100.0/24\n");
        try (Guard g = Guard.create(parse("guard: {gate: {deny_file: deny.txt, deny_file_check: 1s}}"))) {
            assertFalse(g.gate().admit(ip("198.51.100.3")));
            assertEquals(1, g.floodGate().refused(dev.palisade.guard.flood.FloodGate.Refusal.DENIED));
        }
        Files.writeString(dir.resolve("deny.txt"), "198.51.100.0/33\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Guard.create(parse("guard: {gate: {deny_file: deny.txt}}")));
        assertTrue(e.getMessage().contains("deny.txt:1: cidr: prefix /33"), e.getMessage());
        assertEquals(Duration.ofSeconds(1), parse("guard: {gate: {deny_file_check: 1s}}").gate().denyFileCheck());
    }
}
