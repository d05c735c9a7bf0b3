package dev.palisade.guard.slow;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import dev.palisade.config.GuardConfig;
import dev.palisade.guard.flood.GateHandler;

/**
 * Resets a connection whose client does not read (slow read, "slowhttptest -X"): when the channel stays
 * unwritable (its outbound buffer over the high-water mark) for longer than the timeout, it fires
 * {@link SlowClientEvent#SLOW_READER} and closes with a TCP reset, which also frees the kernel's send
 * buffer at once instead of leaving an orphaned socket retrying. A client that reads, however slowly,
 * makes the channel writable again now and then and restarts the timer. Sits anywhere in the client
 * pipeline (on the connection, not on HTTP/2 streams); one instance per connection.
 */
public final class SlowReaderHandler extends ChannelInboundHandlerAdapter {

    private final long timeoutNanos;
    private final SlowClientStats stats;
    private ScheduledFuture<?> timer;

    public SlowReaderHandler(GuardConfig.Slow config, SlowClientStats stats) {
        this(config.writeTimeout(), stats);
    }

    public SlowReaderHandler(Duration timeout, SlowClientStats stats) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        this.timeoutNanos = timeout.toNanos();
        this.stats = stats;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            check(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        check(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        check(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    private void check(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            cancel();
        } else if (timer == null) {
            timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (ctx.channel().isWritable() || !ctx.channel().isActive()) {
            return;
        }
        if (stats != null) {
            stats.slowReaders.increment();
        }
        ctx.fireUserEventTriggered(SlowClientEvent.SLOW_READER);
        GateHandler.reset(ctx.channel());
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }
}
