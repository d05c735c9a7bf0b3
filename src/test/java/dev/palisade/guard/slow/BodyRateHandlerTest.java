package dev.palisade.guard.slow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import dev.palisade.guard.PeerChannel;

class BodyRateHandlerTest {

    private final SlowClientStats stats = new SlowClientStats();

    private EmbeddedChannel channel(PeerChannel.Recorder rec) {
        // 500 bytes/s averaged over 10 s, judged from 10 s on.
        return new EmbeddedChannel(new BodyRateHandler(500, Duration.ofSeconds(10), Duration.ofSeconds(10), stats), rec);
    }

    private static HttpRequest post(long length) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        return r;
    }

    private static void send(EmbeddedChannel ch, int bytes) {
        ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[bytes])));
    }

    private static void second(EmbeddedChannel ch) {
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runPendingTasks();
    }

    @Test
    void slowPostIsCut() {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        EmbeddedChannel ch = channel(rec);
        ch.writeInbound(post(100_000));
        for (int s = 0; s < 30 && ch.isOpen(); s++) {
            send(ch, 100);
            second(ch);
        }
        assertFalse(ch.isOpen());
        assertEquals(List.of(SlowClientEvent.BODY_TOO_SLOW), rec.events);
        assertEquals(1, stats.bodyTooSlow());
        ch.finishAndReleaseAll();
    }

    @Test
    void slowButFastEnoughUploadPasses() {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        EmbeddedChannel ch = channel(rec);
        ch.writeInbound(post(30 * 600));
        for (int s = 0; s < 30; s++) {
            send(ch, 600);
            second(ch);
        }
        ch.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
        for (int s = 0; s < 30; s++) {
            second(ch);
        }
        assertTrue(ch.isOpen());
        assertTrue(rec.events.isEmpty());
        assertEquals(-1, ch.runScheduledPendingTasks(), "no timer left once the body is complete");
        ch.finishAndReleaseAll();
    }

    @Test
    void aBurstThenSilenceIsJudgedOnTheRecentWindow() {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        EmbeddedChannel ch = channel(rec);
        ch.writeInbound(post(1_000_000));
        send(ch, 50_000);
        int seconds = 0;
        while (ch.isOpen() && seconds < 60) {
            second(ch);
            seconds++;
        }
        assertFalse(ch.isOpen(), "a stalled body is cut once the window no longer holds the burst");
        assertTrue(seconds > 10, "but not before the window moved past the burst: " + seconds);
        ch.finishAndReleaseAll();
    }

    @Test
    void pausesByTheServerItselfAreNotHeldAgainstTheClient() {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        EmbeddedChannel ch = channel(rec);
        ch.writeInbound(post(100_000));
        ch.config().setAutoRead(false);
        for (int s = 0; s < 60; s++) {
            second(ch);
        }
        assertTrue(ch.isOpen());
        ch.config().setAutoRead(true);
        for (int s = 0; s < 30 && ch.isOpen(); s++) {
            second(ch);
        }
        assertFalse(ch.isOpen(), "once reading again, a silent client is cut");
        ch.finishAndReleaseAll();
    }

    @Test
    void expectContinueStartsTheClockAtTheFirstByte() {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        EmbeddedChannel ch = channel(rec);
        HttpRequest r = post(100_000);
        r.headers().set(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE);
        ch.writeInbound(r);
        for (int s = 0; s < 60; s++) {
            second(ch);
        }
        assertTrue(ch.isOpen(), "waiting for 100 Continue is not slow");
        for (int s = 0; s < 30 && ch.isOpen(); s++) {
            send(ch, 10);
            second(ch);
        }
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void requestsWithoutBodyStartNoTimer() {
        EmbeddedChannel ch = channel(new PeerChannel.Recorder());
        ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        ch.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
        assertEquals(-1, ch.runScheduledPendingTasks());
        assertTrue(ch.finishAndReleaseAll());
    }
}
