package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/** TlsFacts on a plain connection, and the handshake guard on junk, with EmbeddedChannel. */
class TlsFactsTest {

    @Test
    void plainConnectionsHaveNoTlsFacts() {
        EmbeddedChannel ch = new EmbeddedChannel();
        assertEquals("", TlsFacts.version(ch));
        assertEquals("", TlsFacts.sni(ch));
        assertEquals("", TlsFacts.applicationProtocol(ch));
        assertEquals("", TlsFacts.cipherSuite(ch));
        assertEquals("", TlsFacts.clientSubject(ch));
        assertEquals("", TlsFacts.clientFingerprint(ch));
        assertNull(TlsFacts.clientCertificate(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void junkBeforeTheHandshakeIsClosedCountedAndNotPassedOn() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("facts");
        SelfSignedCertificates.write(dir, java.util.List.of("a.example"), java.time.Duration.ofDays(1));
        TlsTerminator t = TlsTerminator.create("test", dev.palisade.config.TlsConfig.of(dir));
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(t.newHandler(ch.alloc()));
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
        ch.runPendingTasks();
        assertFalse(ch.isOpen(), "closed");
        assertEquals(1, t.counters().notTls());
        assertEquals("", TlsFacts.version(ch));
        ch.checkException();
        ch.finishAndReleaseAll();
    }
}
