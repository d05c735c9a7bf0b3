package dev.palisade.forward;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLHandshakeException;

import dev.palisade.config.Cidr;
import dev.palisade.config.HostPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Keep-alive connections to origins, one pool per event loop: a request borrows a connection that lives
 * on its own client connection's event loop, so a proxied request never hops threads and the pool needs
 * no locks. Idle connections are bounded per origin and closed after the origin idle timeout.
 */
public final class OriginPool {

    /** Idle connections kept per origin server and event loop. */
    static final int MAX_IDLE_PER_ORIGIN = 128;

    private static final FastThreadLocal<OriginPool> LOCAL = new FastThreadLocal<>() {
        @Override
        protected OriginPool initialValue() {
            return new OriginPool();
        }
    };

    private static final LongAdder OPENED = new LongAdder();
    private static volatile DnsAddressResolverGroup resolver;

    private final Map<OriginEndpoint, ArrayDeque<Channel>> idle = new HashMap<>();

    private OriginPool() {
    }

    /** The pool of the calling event loop. */
    public static OriginPool current() {
        return LOCAL.get();
    }

    /** Origin connections opened since start, for metrics. */
    public static long opened() {
        return OPENED.sum();
    }

    /** An idle, open connection to {@code origin}, or null. */
    public Channel pollIdle(OriginEndpoint origin) {
        ArrayDeque<Channel> q = idle.get(origin);
        if (q == null) {
            return null;
        }
        Channel ch;
        while ((ch = q.pollLast()) != null) {
            if (ch.isActive()) {
                return ch;
            }
        }
        return null;
    }

    /** Gives a connection back after a complete exchange; it is closed if the pool is full. */
    public void release(OriginEndpoint origin, Channel ch) {
        handler(ch).listener(null);
        if (!ch.isActive()) {
            return;
        }
        ArrayDeque<Channel> q = idle.computeIfAbsent(origin, k -> new ArrayDeque<>());
        if (q.size() >= MAX_IDLE_PER_ORIGIN) {
            ch.close();
            return;
        }
        q.addLast(ch);
    }

    /**
     * Opens a new connection on {@code loop}. The future completes once the connection can carry a
     * request: connected, and for TLS with the handshake done and the origin's certificate accepted; a
     * refused certificate fails it with an {@link SSLHandshakeException} that says why. The listener is
     * attached before any response byte can arrive.
     */
    public ChannelFuture connect(EventLoop loop, OriginEndpoint origin, OriginListener listener, Duration connectTimeout,
                                 Duration idleTimeout, int maxResponseHead) {
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        OriginHandler h = new OriginHandler();
                        if (origin.secure()) {
                            // the request is written only once the certificate is accepted (see below)
                            ch.pipeline().addLast("tls", origin.tls().newHandler(ch.alloc(), origin.serverName(),
                                    origin.address().port()));
                        } else {
                            h.listener(listener);
                        }
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS))
                                .addLast("codec", new HttpClientCodec(8192, maxResponseHead, 65536, false, false))
                                .addLast("origin", h);
                    }
                });
        OPENED.increment();
        HostPort address = origin.address();
        byte[] literal = Cidr.literal(address.host());
        ChannelFuture connected;
        if (literal != null) {
            try {
                connected = b.connect(new InetSocketAddress(InetAddress.getByAddress(literal), address.port()));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        } else {
            b.resolver(resolver(loop));
            connected = b.connect(InetSocketAddress.createUnresolved(address.host(), address.port()));
        }
        return origin.secure() ? handshaken(connected, origin, listener) : connected;
    }

    /** Completes when the TLS handshake is done; attaches the listener only then. */
    private static ChannelFuture handshaken(ChannelFuture connected, OriginEndpoint origin, OriginListener listener) {
        Channel ch = connected.channel();
        ChannelPromise ready = ch.newPromise();
        connected.addListener((ChannelFutureListener) cf -> {
            if (!cf.isSuccess()) {
                ready.tryFailure(cf.cause());
                return;
            }
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (tls == null) {
                ready.tryFailure(new SSLHandshakeException("origin " + origin + " closed before the TLS handshake"));
                return;
            }
            tls.handshakeFuture().addListener(hf -> {
                if (hf.isSuccess()) {
                    handler(ch).listener(listener);
                    ready.trySuccess();
                } else {
                    ch.close();
                    ready.tryFailure(new SSLHandshakeException("TLS handshake with " + origin + " failed: "
                            + rootMessage(hf.cause())));
                }
            });
        });
        return ready;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m;
    }

    static OriginHandler handler(Channel ch) {
        return ch.pipeline().get(OriginHandler.class);
    }

    /** Points an open connection at the request that now uses it. */
    public static void attach(Channel ch, OriginListener listener) {
        handler(ch).listener(listener);
    }

    private static DnsAddressResolverGroup resolver(EventLoop loop) {
        DnsAddressResolverGroup r = resolver;
        if (r == null) {
            synchronized (OriginPool.class) {
                r = resolver;
                if (r == null) {
                    r = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                            .datagramChannelType(Transports.datagramChannel()));
                    resolver = r;
                }
            }
        }
        return r;
    }
}
