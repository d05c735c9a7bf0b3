package dev.palisade.guard.flood;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

import dev.palisade.guard.client.ClientAddress;
import dev.palisade.pipeline.ConnectionGate;

/**
 * The first handler of every accepted connection, before TLS (after the PROXY protocol handler on
 * listeners that have one, so it sees the real client address). On {@code channelActive} it asks the
 * {@link ConnectionGate}:
 * <ul>
 *   <li>refused: the connection is reset (SO_LINGER 0, so no TIME_WAIT and no FIN handshake) and
 *       {@code channelActive} goes no further, so nothing downstream starts a timer or a handshake;</li>
 *   <li>admitted: {@link ConnectionGate#release} is tied to the channel's close future (it runs exactly
 *       once), the optional {@code onAdmit} handler (typically a {@code ChannelInitializer} that adds the
 *       rest of the pipeline, so a refused connection never allocates an SSLEngine) is added after this
 *       one, this handler removes itself, and {@code channelActive} goes on.</li>
 * </ul>
 * Like Netty's {@code AbstractRemoteAddressFilter}, it costs nothing once it has decided. Stateless and
 * {@link ChannelHandler.Sharable}: one instance per gate serves every connection.
 */
@ChannelHandler.Sharable
public final class GateHandler extends ChannelInboundHandlerAdapter {

    private final ConnectionGate gate;
    private final ChannelHandler onAdmit;

    public GateHandler(ConnectionGate gate) {
        this(gate, null);
    }

    /**
     * @param gate    decides on each connection
     * @param onAdmit added after this handler when a connection is admitted, or null when the rest of the
     *                pipeline is already in place; must be sharable or a {@code ChannelInitializer}
     *                created per use if it is to be shared across channels
     */
    public GateHandler(ConnectionGate gate, ChannelHandler onAdmit) {
        if (gate == null) {
            throw new IllegalArgumentException("gate must not be null");
        }
        this.gate = gate;
        this.onAdmit = onAdmit;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        InetSocketAddress remote = ClientAddress.of(ch);
        if (remote != null && remote.getAddress() != null) {
            InetAddress address = remote.getAddress();
            if (!gate.admit(address)) {
                reset(ch);
                return;
            }
            ch.closeFuture().addListener(f -> gate.release(address));
        }
        if (onAdmit != null) {
            ctx.pipeline().addAfter(ctx.name(), null, onAdmit);
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }

    /** Closes with a TCP reset: the kernel drops the connection at once and keeps no TIME_WAIT for it. */
    public static void reset(Channel ch) {
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (ChannelException e) {
            // Already closed or not a socket; a plain close is all there is left to do.
        }
        ch.close();
    }
}
