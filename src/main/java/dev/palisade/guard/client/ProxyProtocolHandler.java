package dev.palisade.guard.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.ReferenceCountUtil;

import dev.palisade.config.Cidr;
import dev.palisade.guard.flood.GateHandler;

/**
 * Reads the PROXY protocol v1 or v2 header on listeners behind an L4 balancer ({@code proxy_protocol:
 * true}). Sits first in the pipeline, before the {@link GateHandler}:
 * <pre>
 *   [HAProxyMessageDecoder, added by this handler] -> ProxyProtocolHandler -> GateHandler -> TLS -> ...
 * </pre>
 * It holds {@code channelActive} back until the header has arrived, records the client address from it
 * under {@link ClientAddress#KEY}, removes itself and then lets {@code channelActive} through, so the gate
 * decides on the real client and not on the balancer. A connection whose first bytes are not a valid
 * header, or that sends none within the timeout, is reset. {@code LOCAL} commands (the balancer's own
 * health checks) and {@code UNKNOWN} or UNIX-socket sources keep the TCP peer as the client.
 *
 * <p>One instance per connection.
 */
public final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolHandler.class);

    /** TLV bytes accepted in a v2 header (AWS and GCP balancers send well under 1 KiB). */
    static final int MAX_TLV = 4096;

    private final long timeoutNanos;
    private final LongAdder rejected;
    private ScheduledFuture<?> timeout;
    private boolean refused;

    /**
     * @param headerTimeout how long a new connection may take to send its header ({@code gate.proxy_header_timeout})
     * @param rejected      counts connections closed for a missing or bad header; may be null
     */
    public ProxyProtocolHandler(Duration headerTimeout, LongAdder rejected) {
        this.timeoutNanos = headerTimeout.toNanos();
        this.rejected = rejected;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addBefore(ctx.name(), null, new HAProxyMessageDecoder(MAX_TLV));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Held back until the header has named the client; reading has started regardless.
        timeout = ctx.executor().schedule(() -> refuse(ctx, "no PROXY header within the timeout"),
                timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused || !(msg instanceof HAProxyMessage m)) {
            ReferenceCountUtil.release(msg);
            refuse(ctx, "data before the PROXY header");
            return;
        }
        try {
            InetSocketAddress client = clientOf(m);
            if (client != null) {
                ctx.channel().attr(ClientAddress.KEY).set(client);
            }
        } finally {
            m.release();
        }
        cancelTimeout();
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    /** The proxied source, or null when the peer itself is to be used (LOCAL, UNKNOWN, UNIX). */
    static InetSocketAddress clientOf(HAProxyMessage m) {
        if (m.command() != HAProxyCommand.PROXY) {
            return null;
        }
        HAProxyProxiedProtocol p = m.proxiedProtocol();
        if (p.addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_IPv4
                && p.addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_IPv6) {
            return null;
        }
        byte[] b = m.sourceAddress() == null ? null : Cidr.literal(m.sourceAddress());
        if (b == null) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(b), m.sourcePort());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        refuse(ctx, String.valueOf(cause.getMessage()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimeout();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
        if (refused) {
            return;
        }
        refused = true;
        cancelTimeout();
        if (rejected != null) {
            rejected.increment();
        }
        if (log.isDebugEnabled()) {
            log.debug("closed {}: {}", ctx.channel().remoteAddress(), why);
        }
        GateHandler.reset(ctx.channel());
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }
}
