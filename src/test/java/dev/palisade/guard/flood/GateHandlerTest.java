package dev.palisade.guard.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.util.CharsetUtil;

import dev.palisade.config.GuardConfig;
import dev.palisade.guard.FakeTicker;
import dev.palisade.guard.PeerChannel;
import dev.palisade.pipeline.ConnectionGate;

class GateHandlerTest {

    /** A gate that admits a fixed number and records every call. */
    private static final class CountingGate implements ConnectionGate {
        int room;
        final List<String> calls = new ArrayList<>();

        CountingGate(int room) {
            this.room = room;
        }

        @Override
        public boolean admit(InetAddress address) {
            calls.add("admit " + address.getHostAddress());
            return room-- > 0;
        }

        @Override
        public void release(InetAddress address) {
            calls.add("release " + address.getHostAddress());
        }
    }

    @Test
    void admittedConnectionGoesOnAndIsReleasedExactlyOnce() throws Exception {
        CountingGate gate = new CountingGate(1);
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        PeerChannel ch = PeerChannel.from("192.0.2.1", new GateHandler(gate), rec);
        assertEquals(1, rec.active);
        assertNull(ch.pipeline().get(GateHandler.class), "the gate handler removed itself");
        assertTrue(ch.writeInbound(Unpooled.copiedBuffer("hello", CharsetUtil.US_ASCII)));
        ch.close();
        ch.close();
        assertEquals(List.of("admit 192.0.2.1", "release 192.0.2.1"), gate.calls);
        assertTrue(ch.finishAndReleaseAll(), "the bytes went past the gate");
        assertEquals(List.of("admit 192.0.2.1", "release 192.0.2.1"), gate.calls);
    }

    @Test
    void refusedConnectionIsClosedAndGoesNoFurther() throws Exception {
        CountingGate gate = new CountingGate(0);
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        PeerChannel ch = PeerChannel.from("192.0.2.1", new GateHandler(gate), rec);
        assertEquals(0, rec.active);
        assertFalse(ch.isOpen());
        assertEquals(List.of("admit 192.0.2.1"), gate.calls, "never released since never admitted");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void restOfThePipelineIsBuiltOnlyForAdmittedConnections() throws Exception {
        int[] built = new int[1];
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        ChannelInitializer<Channel> rest = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
                built[0]++;
                c.pipeline().addLast(rec);
            }
        };
        CountingGate gate = new CountingGate(1);
        PeerChannel ok = PeerChannel.from("192.0.2.1", new GateHandler(gate, rest));
        assertEquals(1, built[0]);
        assertEquals(1, rec.active, "channelActive reached the handlers added after admission");
        assertNotNull(ok.pipeline().get(PeerChannel.Recorder.class));
        assertFalse(ok.finishAndReleaseAll());

        PeerChannel refused = PeerChannel.from("192.0.2.1", new GateHandler(gate, rest));
        assertEquals(1, built[0], "nothing built for a refused connection");
        assertFalse(refused.isOpen());
        assertFalse(refused.finishAndReleaseAll());
    }

    @Test
    void floodGateCountsGoBackToZeroThroughTheHandler() throws Exception {
        FakeTicker clock = new FakeTicker();
        GuardConfig.Gate cfg = new GuardConfig.Gate(true, 2, 100, 100, 100, List.of(), List.of(), null,
                Duration.ofSeconds(5), 1000, 64, Duration.ofSeconds(5));
        FloodGate gate = new FloodGate(cfg, new BanList(GuardConfig.Bans.DEFAULTS, 64, clock), null, clock);
        GateHandler handler = new GateHandler(gate);
        PeerChannel a = PeerChannel.from("192.0.2.1", handler);
        PeerChannel b = PeerChannel.from("192.0.2.1", handler);
        PeerChannel c = PeerChannel.from("192.0.2.1", handler);
        assertTrue(a.isOpen());
        assertTrue(b.isOpen());
        assertFalse(c.isOpen());
        assertEquals(2, gate.openConnections());
        assertFalse(a.finishAndReleaseAll());
        assertFalse(b.finishAndReleaseAll());
        assertFalse(c.finishAndReleaseAll());
        assertEquals(0, gate.openConnections());
        assertEquals(0, gate.addressesWithOpenConnections());
        assertEquals(2, gate.admitted());
        assertEquals(1, gate.refused(FloodGate.Refusal.PER_ADDRESS));
    }
}
