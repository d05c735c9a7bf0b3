package dev.palisade.guard.slow;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

import dev.palisade.config.GuardConfig;

/**
 * Cuts request bodies that arrive slower than a minimum rate (slow POST, "R-U-Dead-Yet"). Sits right
 * after the HTTP codec and before any aggregator, so it sees each {@link HttpContent} as it arrives:
 * <pre>
 *   ... -> HttpServerCodec -> BodyRateHandler -> ... -> the server's request handler
 * </pre>
 * While a body is in flight it samples once a second; after the grace period it averages the bytes of the
 * last {@code window} seconds and, under {@code minBytesPerSecond}, fires
 * {@link SlowClientEvent#BODY_TOO_SLOW} (the server may answer 408 there) and closes the connection.
 *
 * <p>Seconds in which the server itself had stopped reading (auto-read off for back-pressure from a slow
 * origin) are left out of the average, so Palisade never blames a client for its own pause; a window
 * that was mostly paused is not judged at all. With {@code Expect: 100-continue} the clock starts at the
 * first body byte. No timer runs for requests without a body. One instance per connection.
 */
public final class BodyRateHandler extends ChannelInboundHandlerAdapter {

    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long minRate;
    private final int graceTicks;
    private final int windowTicks;
    private final SlowClientStats stats;
    private final long[] slotBytes;
    private final boolean[] slotActive;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean inBody;
    private boolean waitingFirstByte;
    private long bytes;
    private long bytesAtLastTick;
    private boolean autoReadAtLastTick;
    private int ticks;

    public BodyRateHandler(GuardConfig.Slow config, SlowClientStats stats) {
        this(config.minBodyRate(), config.bodyRateGrace(), config.bodyRateWindow(), stats);
    }

    /**
     * @param minBytesPerSecond the rate a body must keep, > 0
     * @param grace             no judgement before this much of the body has elapsed
     * @param window            the averaging window, at least one second
     * @param stats             shared counters; may be null
     */
    public BodyRateHandler(long minBytesPerSecond, Duration grace, Duration window, SlowClientStats stats) {
        if (minBytesPerSecond <= 0) {
            throw new IllegalArgumentException("minBytesPerSecond: " + minBytesPerSecond + " (expected: > 0)");
        }
        this.minRate = minBytesPerSecond;
        this.windowTicks = (int) Math.max(1, (window.toNanos() + TICK_NANOS - 1) / TICK_NANOS);
        this.graceTicks = (int) Math.max(1, (grace.toNanos() + TICK_NANOS - 1) / TICK_NANOS);
        this.stats = stats;
        this.slotBytes = new long[windowTicks];
        this.slotActive = new boolean[windowTicks];
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req && !(msg instanceof LastHttpContent) && hasBody(req)) {
            begin(HttpUtil.is100ContinueExpected(req));
        }
        if (inBody && msg instanceof HttpContent c) {
            int n = c.content().readableBytes();
            bytes += n;
            if (waitingFirstByte && n > 0) {
                waitingFirstByte = false;
                startClock();
            }
            if (msg instanceof LastHttpContent) {
                end();
            }
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean hasBody(HttpRequest req) {
        return HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
    }

    private void begin(boolean expectContinue) {
        end();
        inBody = true;
        bytes = 0;
        waitingFirstByte = expectContinue;
        if (!expectContinue) {
            startClock();
        }
    }

    private void startClock() {
        bytesAtLastTick = bytes;
        autoReadAtLastTick = ctx.channel().config().isAutoRead();
        ticks = 0;
        timer = ctx.executor().scheduleAtFixedRate(this::tick, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
    }

    private void end() {
        inBody = false;
        waitingFirstByte = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void tick() {
        if (!inBody || !ctx.channel().isActive()) {
            end();
            return;
        }
        boolean autoRead = ctx.channel().config().isAutoRead();
        int slot = ticks % windowTicks;
        slotBytes[slot] = bytes - bytesAtLastTick;
        slotActive[slot] = autoRead && autoReadAtLastTick;
        bytesAtLastTick = bytes;
        autoReadAtLastTick = autoRead;
        ticks++;
        if (ticks < graceTicks || ticks < windowTicks) {
            return;
        }
        long sum = 0;
        int active = 0;
        for (int i = 0; i < windowTicks; i++) {
            if (slotActive[i]) {
                sum += slotBytes[i];
                active++;
            }
        }
        if (active * 2 < windowTicks) {
            return;
        }
        if (sum < minRate * active) {
            end();
            if (stats != null) {
                stats.bodyTooSlow.increment();
            }
            ctx.fireUserEventTriggered(SlowClientEvent.BODY_TOO_SLOW);
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        end();
    }
}
