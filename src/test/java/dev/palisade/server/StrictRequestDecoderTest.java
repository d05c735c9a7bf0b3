package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.palisade.pipeline.ErrorKind;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/** The strict decoder on exact bytes: each malformed head with the RFC 9112 rule it breaks. */
class StrictRequestDecoderTest {

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new StrictRequestDecoder(8192, 16384, 100, 1 << 20,
                10_000_000_000L, 75_000_000_000L));
    }

    private static Object decodeOne(String raw) {
        EmbeddedChannel ch = channel();
        try {
            ch.writeInbound(Unpooled.copiedBuffer(raw.replace("|", "\r\n"), StandardCharsets.ISO_8859_1));
            Object first = ch.readInbound();
            if (first instanceof DecodeFailure) {
                return first;
            }
            Object next;
            while ((next = ch.readInbound()) != null) {
                if (next instanceof DecodeFailure) {
                    ReferenceCountUtil.release(first);
                    return next;
                }
                ReferenceCountUtil.release(next);
            }
            return first;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        // RFC 9112 6.3: Content-Length with Transfer-Encoding is a smuggling attempt
        "CL.TE;POST / HTTP/1.1|Host: a|Content-Length: 4|Transfer-Encoding: chunked||0||;BAD_REQUEST",
        // RFC 9112 6.3: differing Content-Length values
        "two CL;POST / HTTP/1.1|Host: a|Content-Length: 4|Content-Length: 5||abcde;BAD_REQUEST",
        "CL list;POST / HTTP/1.1|Host: a|Content-Length: 4, 4||abcd;BAD_REQUEST",
        "signed CL;POST / HTTP/1.1|Host: a|Content-Length: +4||abcd;BAD_REQUEST",
        "hex CL;POST / HTTP/1.1|Host: a|Content-Length: 0x4||abcd;BAD_REQUEST",
        // RFC 9112 7: only a final chunked is understood
        "TE identity;POST / HTTP/1.1|Host: a|Transfer-Encoding: chunked, identity||0||;BAD_REQUEST",
        "TE twice;POST / HTTP/1.1|Host: a|Transfer-Encoding: chunked|Transfer-Encoding: chunked||0||;BAD_REQUEST",
        "TE gzip;POST / HTTP/1.1|Host: a|Transfer-Encoding: gzip, chunked||0||;BAD_REQUEST",
        "TE tab;POST / HTTP/1.1|Host: a|Transfer-Encoding:\tchunked\u000b||0||;BAD_REQUEST",
        "TE on 1.0;POST / HTTP/1.0|Transfer-Encoding: chunked||0||;BAD_REQUEST",
        // RFC 9112 5.1: no whitespace between field name and colon
        "space before colon;GET / HTTP/1.1|Host: a|X-A : 1||;BAD_REQUEST",
        // RFC 9112 5.2: obs-fold is rejected
        "obs-fold;GET / HTTP/1.1|Host: a|X-A: 1| 2||;BAD_REQUEST",
        // RFC 9110 5.5: CR, LF and NUL never appear in a field value
        "NUL in value;GET / HTTP/1.1|Host: a|X-A: 1\u00002||;BAD_REQUEST",
        "CR in value;GET / HTTP/1.1|Host: a|X-A: 1\r2||;BAD_REQUEST",
        "bad name;GET / HTTP/1.1|Host: a|X(A): 1||;BAD_REQUEST",
        // RFC 9112 3.2: exactly one Host in HTTP/1.1
        "no Host;GET / HTTP/1.1||;BAD_REQUEST",
        "two Hosts;GET / HTTP/1.1|Host: a|Host: b||;BAD_REQUEST",
        "userinfo Host;GET / HTTP/1.1|Host: user@a||;BAD_REQUEST",
        "port Host;GET / HTTP/1.1|Host: a:80x||;BAD_REQUEST",
        // RFC 9112 2.3 and 3: request line shape and version
        "HTTP/0.9;GET /;BAD_REQUEST_OPEN",
        "HTTP/1.2;GET / HTTP/1.2|Host: a||;VERSION_NOT_SUPPORTED",
        "HTTP/2.0 line;GET / HTTP/2.0|Host: a||;VERSION_NOT_SUPPORTED",
        "two spaces;GET  / HTTP/1.1|Host: a||;BAD_REQUEST",
        "bad target;GET foo HTTP/1.1|Host: a||;BAD_REQUEST",
        "authority form;CONNECT a:443 HTTP/1.1|Host: a:443||;METHOD_NOT_ALLOWED",
        "authority form GET;GET a:443 HTTP/1.1|Host: a:443||;BAD_REQUEST",
        "connect;CONNECT / HTTP/1.1|Host: a||;METHOD_NOT_ALLOWED",
        // RFC 9112 7.1: chunk sizes
        "chunk overflow;POST / HTTP/1.1|Host: a|Transfer-Encoding: chunked||ffffffffffffffffff|x|0||;BAD_REQUEST",
        "chunk not hex;POST / HTTP/1.1|Host: a|Transfer-Encoding: chunked||zz|x|0||;BAD_REQUEST",
        "chunk no CRLF;POST / HTTP/1.1|Host: a|Transfer-Encoding: chunked||1|xy|0||;BAD_REQUEST",
        "body over limit;POST / HTTP/1.1|Host: a|Content-Length: 99999999||;BODY_TOO_LARGE",
    })
    void refuses(String name, String raw, String expected) {
        if (expected.equals("BAD_REQUEST_OPEN")) {
            // no version: the head never ends, nothing is emitted until the deadline or the line limit
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.copiedBuffer("GET /\r\n\r\n", StandardCharsets.ISO_8859_1));
            Object o = ch.readInbound();
            assertInstanceOf(DecodeFailure.class, o, name);
            ch.finishAndReleaseAll();
            return;
        }
        Object o = decodeOne(raw);
        assertInstanceOf(DecodeFailure.class, o, name + " -> " + o);
        assertEquals(ErrorKind.valueOf(expected), ((DecodeFailure) o).kind(), name);
    }

    @Test
    void bareLfIsRefused() {
        Object o = decodeOne("GET / HTTP/1.1\nHost: a\n\n");
        assertInstanceOf(DecodeFailure.class, o);
    }

    @Test
    void tooManyHeaders() {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1|Host: x|");
        for (int i = 0; i < 150; i++) {
            sb.append("X-H").append(i).append(": v|");
        }
        Object o = decodeOne(sb.append("|").toString());
        assertInstanceOf(DecodeFailure.class, o);
        assertEquals(ErrorKind.HEADERS_TOO_LARGE, ((DecodeFailure) o).kind());
    }

    @Test
    void headerSectionOverTheLimit() {
        Object o = decodeOne("GET / HTTP/1.1|Host: x|X-Big: " + "b".repeat(17000) + "||");
        assertEquals(ErrorKind.HEADERS_TOO_LARGE, assertInstanceOf(DecodeFailure.class, o).kind());
        EmbeddedChannel ch = channel();
        // no end of head yet, but already too large: refused without waiting for more
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nX-Big: " + "b".repeat(17000), StandardCharsets.US_ASCII));
        assertEquals(ErrorKind.HEADERS_TOO_LARGE, assertInstanceOf(DecodeFailure.class, ch.readInbound()).kind());
        ch.finishAndReleaseAll();
    }

    @Test
    void chunkedBodyWithTrailersIsPassedWithoutThem() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("POST /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nContent-Length: 99\r\nX-T: 1\r\n\r\n", StandardCharsets.ISO_8859_1));
        HttpRequest req = ch.readInbound();
        assertEquals("/u", req.uri());
        StringBuilder body = new StringBuilder();
        Object o;
        LastHttpContent last = null;
        while ((o = ch.readInbound()) != null) {
            HttpContent c = (HttpContent) o;
            body.append(c.content().toString(StandardCharsets.US_ASCII));
            if (c instanceof LastHttpContent l) {
                last = l;
            }
            c.release();
        }
        assertEquals("abcde", body.toString());
        assertTrue(last != null && last.trailingHeaders().isEmpty(), "trailers are dropped");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void absoluteFormTargetReplacesHost() {
        Object o = decodeOne("GET http://example.com:8080/p?q=1 HTTP/1.1|Host: other||");
        FullHttpRequest r = assertInstanceOf(FullHttpRequest.class, o);
        assertEquals("/p?q=1", r.uri());
        assertEquals("example.com:8080", r.headers().get("host"));
        r.release();
    }

    @Test
    void pausesAfterOneRequestUntilResumed() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        FullHttpRequest one = ch.readInbound();
        assertEquals("/1", one.uri());
        assertNull(ch.readInbound(), "the second request waits for the first answer");
        ch.pipeline().get(StrictRequestDecoder.class).resume();
        FullHttpRequest two = ch.readInbound();
        assertEquals("/2", two.uri());
        one.release();
        two.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void headTrickledByteByByteStillDecodes() {
        EmbeddedChannel ch = channel();
        for (byte b : "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        FullHttpRequest r = ch.readInbound();
        assertEquals("/slow", r.uri());
        r.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void stopsReadingOnlyWhenPipelinedBytesPileUp() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n", StandardCharsets.ISO_8859_1));
        FullHttpRequest one = ch.readInbound();
        assertTrue(ch.config().isAutoRead(), "an answer pending does not stop reading by itself");
        ch.writeInbound(Unpooled.copiedBuffer("GET /2 HTTP/1.1\r\nHost: a\r\nX-Pad: " + "p".repeat(30000) + "\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        assertFalse(ch.config().isAutoRead(), "more than a head's worth waiting: stop reading");
        assertNull(ch.readInbound());
        ch.pipeline().get(StrictRequestDecoder.class).resume();
        assertTrue(ch.config().isAutoRead());
        Object two = ch.readInbound();
        assertInstanceOf(DecodeFailure.class, two, "the waiting head is then decoded (and is too large)");
        one.release();
        ch.finishAndReleaseAll();
    }
}
