package dev.palisade.guard;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

/** An EmbeddedChannel with a TCP peer address, registered (and so active) only when the test says. */
public final class PeerChannel extends EmbeddedChannel {

    private final InetSocketAddress peer;

    private PeerChannel(InetSocketAddress peer, ChannelHandler... handlers) {
        super(false, false, handlers);
        this.peer = peer;
    }

    /** A channel from {@code ip:40000}, registered and active. */
    public static PeerChannel from(String ip, ChannelHandler... handlers) throws Exception {
        PeerChannel ch = new PeerChannel(new InetSocketAddress(java.net.InetAddress.getByName(ip), 40000), handlers);
        ch.register();
        return ch;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return peer;
    }

    /** Records which inbound events reached the end of the pipeline. */
    public static final class Recorder extends ChannelInboundHandlerAdapter {
        public int active;
        public int inactive;
        public final List<Object> events = new ArrayList<>();

        @Override
        public boolean isSharable() {
            return false;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active++;
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive++;
            ctx.fireChannelInactive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
            ctx.fireUserEventTriggered(evt);
        }
    }
}
