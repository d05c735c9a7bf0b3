package dev.palisade.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an origin connection: hands what the origin sends to the request currently using
 * the connection. A connection resting in the pool has no listener; anything it receives then is
 * unexpected, and the connection is closed rather than reused.
 */
final class OriginHandler extends ChannelInboundHandlerAdapter {

    private OriginListener listener;
    private boolean skippingInterim;

    void listener(OriginListener l) {
        this.listener = l;
        this.skippingInterim = false;
    }

    OriginListener listener() {
        return listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        OriginListener l = listener;
        if (l == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse head) {
            if (head.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                l.onOriginClosed(head.decoderResult().cause());
                return;
            }
            int code = head.status().code();
            if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL && code != 101) {
                // 100 Continue and 103 Early Hints: the proxy answers Expect itself, hints are dropped
                skippingInterim = true;
                ReferenceCountUtil.release(msg);
                return;
            }
            l.onResponseHead(head);
            if (msg instanceof HttpContent c) {
                l.onResponseContent(c);
            }
        } else if (msg instanceof HttpContent c) {
            if (skippingInterim) {
                skippingInterim = !(msg instanceof LastHttpContent);
                c.release();
                return;
            }
            if (c.decoderResult().isFailure()) {
                c.release();
                ctx.close();
                l.onOriginClosed(c.decoderResult().cause());
                return;
            }
            l.onResponseContent(c);
        } else if (msg instanceof ByteBuf b) {
            l.onTunnelBytes(b);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (listener != null) {
            listener.onOriginWritability(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        OriginListener l = listener;
        listener = null;
        if (l != null) {
            l.onOriginClosed(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        OriginListener l = listener;
        listener = null;
        ctx.close();
        if (l != null) {
            l.onOriginClosed(cause);
        }
    }
}
