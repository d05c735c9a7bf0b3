package dev.palisade.guard.slow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;

import dev.palisade.guard.PeerChannel;

class SlowReaderHandlerTest {

    private final SlowClientStats stats = new SlowClientStats();

    private EmbeddedChannel channel(PeerChannel.Recorder rec) {
        EmbeddedChannel ch = new EmbeddedChannel(new SlowReaderHandler(Duration.ofSeconds(60), stats), rec);
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        return ch;
    }

    @Test
    void clientThatNeverReadsIsReset() {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        EmbeddedChannel ch = channel(rec);
        ch.write(Unpooled.wrappedBuffer(new byte[64]));
        assertFalse(ch.isWritable());
        ch.advanceTimeBy(59, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertTrue(ch.isOpen());
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(List.of(SlowClientEvent.SLOW_READER), rec.events);
        assertEquals(1, stats.slowReaders());
        ch.finishAndReleaseAll();
    }

    @Test
    void clientThatReadsNowAndThenStays() {
        PeerChannel.Recorder rec = new PeerChannel.Recorder();
        EmbeddedChannel ch = channel(rec);
        for (int i = 0; i < 5; i++) {
            ch.write(Unpooled.wrappedBuffer(new byte[64]));
            assertFalse(ch.isWritable());
            ch.advanceTimeBy(50, TimeUnit.SECONDS);
            ch.runPendingTasks();
            ch.flush();
            assertTrue(ch.isWritable());
            ch.releaseOutbound();
        }
        ch.advanceTimeBy(120, TimeUnit.SECONDS);
        ch.runPendingTasks();
        assertTrue(ch.isOpen());
        assertTrue(rec.events.isEmpty());
        assertEquals(-1, ch.runScheduledPendingTasks());
        ch.finishAndReleaseAll();
    }
}
