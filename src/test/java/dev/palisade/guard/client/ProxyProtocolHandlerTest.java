package dev.palisade.guard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import dev.palisade.guard.PeerChannel;
import dev.palisade.guard.flood.GateHandler;
import dev.palisade.pipeline.ConnectionGate;

class ProxyProtocolHandlerTest {

    private final LongAdder rejected = new LongAdder();
    private final List<String> admitted = new ArrayList<>();
    private final ConnectionGate gate = new ConnectionGate() {
        @Override
        public boolean admit(InetAddress address) {
            admitted.add(address.getHostAddress());
            return !address.getHostAddress().equals("203.0.113.66");
        }
    };

    private PeerChannel channel(PeerChannel.Recorder rec) throws Exception {
        return PeerChannel.from("10.0.0.5", new ProxyProtocolHandler(Duration.ofSeconds(5), rejected), new GateHandler(gate),
                rec);
    }

    private static String inboundText(PeerChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (Object o; (o = ch.readInbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            sb.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return sb.toString();
    }

    @Test
    void v1HeaderNamesTheClientAndTheGateSeesIt() throws Exception {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        PeerChannel ch = channel(rec);
        assertEquals(0, rec.active, "held back until the header is read");
        assertTrue(admitted.isEmpty());
        ch.writeInbound(Unpooled.wrappedBuffer(ProxyHeaders.concat(
                ProxyHeaders.v1("PROXY TCP4 198.51.100.7 10.0.0.1 51000 443"),
                "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(1, rec.active);
        assertEquals(List.of("198.51.100.7"), admitted);
        InetSocketAddress client = ClientAddress.of(ch);
        assertEquals("198.51.100.7", client.getAddress().getHostAddress());
        assertEquals(51000, client.getPort());
        assertEquals("GET / HTTP/1.1\r\n\r\n", inboundText(ch), "bytes after the header go on untouched");
        assertNull(ch.pipeline().get(ProxyProtocolHandler.class));
        assertNull(ch.pipeline().get(io.netty.handler.codec.haproxy.HAProxyMessageDecoder.class));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void v2HeaderInPiecesNamesTheClient() throws Exception {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        PeerChannel ch = channel(rec);
        byte[] h = ProxyHeaders.v2Tcp6(InetAddress.getByName("2001:db8::7").getAddress(), 4711,
                InetAddress.getByName("2001:db8::1").getAddress(), 443);
        ch.writeInbound(Unpooled.wrappedBuffer(h, 0, 10));
        assertEquals(0, rec.active);
        ch.writeInbound(Unpooled.wrappedBuffer(h, 10, h.length - 10));
        assertEquals(1, rec.active);
        assertEquals("2001:db8:0:0:0:0:0:7", ClientAddress.of(ch).getAddress().getHostAddress());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void refusedRealClientIsReset() throws Exception {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        PeerChannel ch = channel(rec);
        ch.writeInbound(Unpooled.wrappedBuffer(ProxyHeaders.concat(
                ProxyHeaders.v2Tcp4(new byte[] {(byte) 203, 0, 113, 66}, 1000, new byte[] {10, 0, 0, 1}, 80),
                "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(0, rec.active);
        assertFalse(ch.isOpen());
        assertEquals(List.of("203.0.113.66"), admitted);
        ch.finishAndReleaseAll();
    }

    @Test
    void localCommandKeepsThePeer() throws Exception {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        PeerChannel ch = channel(rec);
        ch.writeInbound(Unpooled.wrappedBuffer(ProxyHeaders.v2Local()));
        assertEquals(1, rec.active);
        assertEquals(List.of("10.0.0.5"), admitted);
        assertNull(ch.attr(ClientAddress.KEY).get());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void garbageInsteadOfAHeaderIsClosed() throws Exception {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        PeerChannel ch = channel(rec);
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        assertFalse(ch.isOpen());
        assertEquals(0, rec.active);
        assertTrue(admitted.isEmpty());
        assertEquals(1, rejected.sum());
        ch.finishAndReleaseAll();
    }

    @Test
    void badV1AddressIsClosed() throws Exception {
        PeerChannel ch = channel(new PeerChannel.Recorder());
        ch.writeInbound(Unpooled.wrappedBuffer(ProxyHeaders.v1("PROXY TCP4 999.1.1.1 10.0.0.1 1 2")));
        assertFalse(ch.isOpen());
        assertTrue(admitted.isEmpty());
        ch.finishAndReleaseAll();
    }

    @Test
    void silentConnectionIsClosedAtTheTimeout() throws Exception {
        PeerChannel ch = channel(new PeerChannel.Recorder());
        ch.writeInbound(Unpooled.copiedBuffer("PROX", StandardCharsets.US_ASCII));
        ch.advanceTimeBy(4, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertTrue(ch.isOpen());
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(1, rejected.sum());
        ch.finishAndReleaseAll();
    }
}
