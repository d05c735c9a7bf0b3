package dev.palisade.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import java.util.List;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsyncMapping;

/**
 * The first TLS handler on a connection: reads the ClientHello, asks the terminator's current table for
 * the context that serves the SNI name, and replaces itself with that context's {@link SslHandler}. It
 * also places a {@link HandshakeGuard} right behind itself and records the SNI name for {@link TlsFacts}.
 * Because the table is read per connection, a reload changes the certificate of new handshakes only.
 */
final class SniSelector extends SniHandler {

    private static final short HANDSHAKE_RECORD = 22;

    private final HandshakeGuard guard;
    private final long handshakeTimeoutMillis;
    private final Function<SslContext, byte[]> staples;
    private boolean notTls;

    /**
     * The largest ClientHello buffered before a certificate is chosen. Real ones are a few KiB, post-quantum
     * key shares included; 0 would mean Netty's 16 MiB, which a flood could make every connection hold.
     */
    static final int MAX_CLIENT_HELLO = 32 * 1024;

    /** @param staples the OCSP response to staple for a context (null: none); only asked of OpenSSL engines */
    SniSelector(AsyncMapping<String, SslContext> mapping, long handshakeTimeoutMillis, HandshakeGuard guard,
                Function<SslContext, byte[]> staples) {
        super(mapping, MAX_CLIENT_HELLO, handshakeTimeoutMillis);
        this.guard = guard;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.staples = staples;
    }

    /**
     * Every TLS connection opens with a handshake record (content type 22). Anything else (plain HTTP,
     * junk, SSLv2) is refused here, before a certificate is chosen or an engine created, and counted as
     * "not TLS" even under strict SNI.
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (notTls) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.isReadable() && in.getUnsignedByte(in.readerIndex()) != HANDSHAKE_RECORD) {
            notTls = true;
            in.skipBytes(in.readableBytes());
            ctx.fireExceptionCaught(new NotSslRecordException("not a TLS handshake record"));
            return;
        }
        super.decode(ctx, in, out);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        if (ctx.pipeline().get(HandshakeGuard.class) == null) {
            ctx.pipeline().addAfter(ctx.name(), "tls-handshake-guard", guard);
        }
        super.handlerAdded(ctx);
    }

    @Override
    protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext sslContext) throws Exception {
        ctx.channel().attr(TlsFacts.SNI).set(hostname == null ? "" : hostname);
        super.replaceHandler(ctx, hostname, sslContext);
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
        SslHandler h = context.newHandler(allocator);
        h.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        SSLEngine engine = h.engine();
        // OpenSSL contexts already prefer the server's order (SSL_OP_CIPHER_SERVER_PREFERENCE, set by Netty on
        // the context); setting parameters on each engine would re-apply protocols and suites per connection
        if (engine instanceof ReferenceCountedOpenSslEngine open) {
            byte[] staple = staples.apply(context);
            if (staple != null) {
                open.setOcspResponse(staple);
            }
        } else {
            SSLParameters p = engine.getSSLParameters();
            p.setUseCipherSuitesOrder(true);
            engine.setSSLParameters(p);
        }
        return h;
    }
}
