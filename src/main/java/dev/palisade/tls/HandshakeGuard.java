package dev.palisade.tls;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

/**
 * Sits right after the SNI/TLS handler until the handshake is over. A failed handshake (plain HTTP or junk
 * on the TLS port, an old protocol, no common cipher, a refused SNI name, a timeout) is counted, logged at
 * most once per interval, and the connection closed; nothing reaches the HTTP handlers behind it. On
 * success it removes itself.
 *
 * <pre>
 *   ... gate -> [SniSelector, later SslHandler] -> HandshakeGuard -> HTTP codec ...
 * </pre>
 */
final class HandshakeGuard extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(HandshakeGuard.class);

    /** TLS alert record: fatal unrecognized_name (RFC 6066), sent when strict SNI refuses a name. */
    private static final byte[] UNRECOGNIZED_NAME = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70};

    private final TlsCounters counters;
    private final FailureLog failureLog;
    private boolean failed;

    HandshakeGuard(TlsCounters counters, FailureLog failureLog) {
        this.counters = counters;
        this.failureLog = failureLog;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent e) {
            if (e.isSuccess()) {
                counters.handshakes.increment();
                ctx.pipeline().remove(this);
            } else {
                fail(ctx, e.cause());
            }
        } else if (evt instanceof SniCompletionEvent e && !e.isSuccess()) {
            // no ClientHello in time, or one too large: the SNI handler gives up before any SslHandler exists
            fail(ctx, e.cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        if (failed) {
            return;
        }
        failed = true;
        counters.failed.increment();
        String reason;
        if (find(cause, SniRefusedException.class) != null) {
            counters.sniRefused.increment();
            reason = cause == null ? "SNI refused" : find(cause, SniRefusedException.class).getMessage();
            ctx.writeAndFlush(Unpooled.wrappedBuffer(UNRECOGNIZED_NAME)).addListener(ChannelFutureListener.CLOSE);
        } else {
            if (find(cause, NotSslRecordException.class) != null) {
                counters.notTls.increment();
                reason = "not TLS (plain HTTP or junk)";
            } else if (find(cause, SslHandshakeTimeoutException.class) != null) {
                counters.timedOut.increment();
                reason = "handshake timed out";
            } else {
                SSLException ssl = find(cause, SSLException.class);
                reason = ssl != null ? PemFile.reason(ssl) : cause == null ? "closed" : PemFile.reason(cause);
            }
            ctx.close();
        }
        failureLog.note(ctx.channel().remoteAddress(), reason);
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (int i = 0; t != null && i < 8; i++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * One log line per interval at most, however many handshakes fail: a scan or a flood must not fill the
     * disk. The line says how many failed and what the last one was.
     */
    static final class FailureLog {
        private final String listener;
        private final long intervalNanos;
        private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
        private final AtomicLong suppressed = new AtomicLong();

        FailureLog(String listener, long interval, TimeUnit unit) {
            this.listener = listener;
            this.intervalNanos = unit.toNanos(interval);
        }

        void note(Object remote, String reason) {
            long now = System.nanoTime();
            long next = nextAt.get();
            if ((next == Long.MIN_VALUE || now - next >= 0) && nextAt.compareAndSet(next, now + intervalNanos)) {
                long others = suppressed.getAndSet(0);
                log.info("TLS handshake failed on {} from {}: {}{}", listener, remote, safe(reason),
                        others == 0 ? "" : " (" + others + " more since the last report)");
            } else {
                suppressed.incrementAndGet();
                log.debug("TLS handshake failed on {} from {}: {}", listener, remote, safe(reason));
            }
        }

        /** Reasons can quote client bytes (a hex dump, a host name): keep them short and printable. */
        private static String safe(String s) {
            StringBuilder b = new StringBuilder(Math.min(s.length(), 160));
            for (int i = 0; i < s.length() && b.length() < 160; i++) {
                char c = s.charAt(i);
                b.append(c >= 0x20 && c < 0x7f ? c : '?');
            }
            return b.toString();
        }
    }
}
