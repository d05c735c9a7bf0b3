package dev.palisade.guard.flood;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

import dev.palisade.pipeline.ConnectionGate;

/**
 * The gate's first look at a connection, on the listening channel, where the accepted connection arrives
 * as a message: a connection from a denied or banned address is reset right there, before it is handed to
 * an event loop, so it costs the accept, one {@code setsockopt} and the close, and nothing else (no epoll
 * registration, no wake-up of the event loop, no pipeline, no handler). Everything else goes on to the
 * server's acceptor and meets {@link GateHandler}, which counts it against the limits.
 *
 * <p>Not for listeners behind an L4 balancer (PROXY protocol): there the peer is the balancer and the
 * client is only known once the header is read. Sharable; asks {@code gate} for the gate in force on
 * every connection, so a reload applies at once (a gate that is not a {@link FloodGate}, such as the open
 * gate of {@code guard.enabled: false}, lets everything through).
 */
@ChannelHandler.Sharable
public final class AcceptFilter extends ChannelInboundHandlerAdapter {

    private final Supplier<? extends ConnectionGate> gate;

    public AcceptFilter(Supplier<? extends ConnectionGate> gate) {
        if (gate == null) {
            throw new IllegalArgumentException("gate must not be null");
        }
        this.gate = gate;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child && child.remoteAddress() instanceof InetSocketAddress remote
                && remote.getAddress() != null && gate.get() instanceof FloodGate g
                && g.refuseAtAccept(remote.getAddress())) {
            resetUnregistered(child);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Resets a connection that has no event loop yet: the socket is closed directly, no events fire. */
    static void resetUnregistered(Channel ch) {
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (ChannelException e) {
            // already closed by the peer; the close below is all there is to do
        }
        ch.unsafe().closeForcibly();
    }
}
