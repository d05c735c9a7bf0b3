package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/** Raw HTTP/2 frames from a misbehaving client into the server codec, on an EmbeddedChannel. */
class Http2LimitsTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, GOAWAY = 7, CONTINUATION = 9;
    private static final int END_STREAM = 0x1, END_HEADERS = 0x4;
    private static final int ENHANCE_YOUR_CALM = 0xb;

    /** HPACK: GET https a.example / from the static table plus one literal. */
    private static final byte[] GET = {(byte) 0x82, (byte) 0x87, (byte) 0x84, 0x41, 0x09,
            'a', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e'};

    private final List<Object> requests = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();

    private EmbeddedChannel server(Http2Limits limits) {
        EmbeddedChannel ch = new EmbeddedChannel(limits.newServerCodec(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof Http2HeadersFrame h) {
                    requests.add(h.headers().path());
                }
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        });
        ch.checkException();
        if (!ch.isOpen()) {
            throw new AssertionError("closed at start; wrote " + written(ch));
        }
        ch.writeInbound(Unpooled.wrappedBuffer(PREFACE), frame(SETTINGS, 0, 0, new byte[0]));
        return ch;
    }

    private static ByteBuf frame(int type, int flags, int stream, byte[] payload) {
        ByteBuf b = Unpooled.buffer(9 + payload.length);
        b.writeMedium(payload.length).writeByte(type).writeByte(flags).writeInt(stream).writeBytes(payload);
        return b;
    }

    private static byte[] errorCode(int code) {
        return new byte[] {0, 0, 0, (byte) code};
    }

    /** Every frame the server wrote: type -> payloads. Releases what it reads. */
    private static Map<Integer, List<byte[]>> written(EmbeddedChannel ch) {
        Map<Integer, List<byte[]>> out = new HashMap<>();
        ByteBuf all = Unpooled.buffer();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        while (all.readableBytes() >= 9) {
            int len = all.readUnsignedMedium();
            int type = all.readUnsignedByte();
            all.skipBytes(5);
            byte[] payload = new byte[len];
            all.readBytes(payload);
            out.computeIfAbsent(type, k -> new ArrayList<>()).add(payload);
        }
        all.release();
        return out;
    }

    private static int goAwayError(Map<Integer, List<byte[]>> frames) {
        List<byte[]> g = frames.get(GOAWAY);
        assertTrue(g != null && !g.isEmpty(), "a GOAWAY was sent; frames: " + frames.keySet());
        ByteBuf b = Unpooled.wrappedBuffer(g.get(0));
        b.skipBytes(4);
        return b.readInt();
    }

    /** Writes inbound until the codec closes the channel (a closed EmbeddedChannel refuses writes). */
    private static void feed(EmbeddedChannel ch, ByteBuf frame) {
        if (ch.isOpen()) {
            ch.writeInbound(frame);
        } else {
            frame.release();
        }
    }

    @Test
    void announcesItsLimitsAndServesARequest() {
        EmbeddedChannel ch = server(Http2Limits.DEFAULTS);
        ch.writeInbound(frame(HEADERS, END_STREAM | END_HEADERS, 1, GET));
        Map<Integer, List<byte[]>> frames = written(ch);
        ByteBuf s = Unpooled.wrappedBuffer(frames.get(SETTINGS).get(0));
        Map<Integer, Long> settings = new HashMap<>();
        while (s.readableBytes() >= 6) {
            settings.put(s.readUnsignedShort(), s.readUnsignedInt());
        }
        assertEquals(128L, settings.get(0x3), "MAX_CONCURRENT_STREAMS");
        assertEquals(32768L, settings.get(0x6), "MAX_HEADER_LIST_SIZE");
        assertEquals(List.of("/"), requests.stream().map(String::valueOf).toList());
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void rapidResetIsCutOff() {
        EmbeddedChannel ch = server(Http2Limits.DEFAULTS);
        for (int i = 0; i < 400 && ch.isOpen(); i++) {
            int stream = 1 + 2 * i;
            feed(ch, frame(HEADERS, END_HEADERS, stream, GET));
            feed(ch, frame(RST_STREAM, 0, stream, errorCode(0x8)));
        }
        assertEquals(ENHANCE_YOUR_CALM, goAwayError(written(ch)));
        assertFalse(ch.isOpen(), "the connection is closed");
        assertTrue(requests.size() <= 201, requests.size() + " streams reached the handler");
        ch.finishAndReleaseAll();
    }

    @Test
    void continuationFloodOfTinyFramesIsCutOff() {
        EmbeddedChannel ch = server(Http2Limits.DEFAULTS);
        feed(ch, frame(HEADERS, END_STREAM, 1, GET));
        for (int i = 0; i < 10_000 && ch.isOpen(); i++) {
            feed(ch, frame(CONTINUATION, 0, 1, new byte[0]));
        }
        assertTrue(goAwayError(written(ch)) != 0);
        assertFalse(ch.isOpen());
        assertTrue(requests.isEmpty());
        ch.finishAndReleaseAll();
    }

    @Test
    void continuationFloodOfLargeFramesIsCutOffBeforeTheBlockEnds() {
        EmbeddedChannel ch = server(Http2Limits.DEFAULTS);
        feed(ch, frame(HEADERS, END_STREAM, 1, GET));
        byte[] junk = new byte[4096];
        int sent = 0;
        for (int i = 0; i < 10_000 && ch.isOpen(); i++) {
            feed(ch, frame(CONTINUATION, 0, 1, junk));
            sent++;
        }
        assertTrue(goAwayError(written(ch)) != 0);
        assertFalse(ch.isOpen());
        assertTrue(sent * junk.length < 64 * 1024, "cut off after " + sent * junk.length + " bytes of header block");
        ch.finishAndReleaseAll();
    }

    @Test
    void emptyDataFloodIsCutOff() {
        EmbeddedChannel ch = server(Http2Limits.DEFAULTS);
        feed(ch, frame(HEADERS, END_HEADERS, 1, GET));
        for (int i = 0; i < 100 && ch.isOpen(); i++) {
            feed(ch, frame(DATA, 0, 1, new byte[0]));
        }
        assertTrue(goAwayError(written(ch)) != 0);
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void limitsValidate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Http2Limits(0, 1, 1, 1, 1, 1, 1, 1));
        assertEquals("max_concurrent_streams: 0 (expected: > 0)", e.getMessage());
        assertEquals(Http2Limits.DEFAULTS.maxResetsPerWindow(), Http2Limits.of(10, 8192).maxResetsPerWindow());
        assertEquals(10L, Http2Limits.of(10, 8192).settings().maxConcurrentStreams());
    }
}
