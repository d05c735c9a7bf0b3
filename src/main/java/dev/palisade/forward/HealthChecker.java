package dev.palisade.forward;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.palisade.balance.Origin;
import dev.palisade.balance.OriginGroup;
import dev.palisade.config.Cidr;
import dev.palisade.config.HostPort;
import dev.palisade.config.OriginGroupConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Active HTTP health checks, off the request path: every {@code interval} (with 10 % jitter), each
 * server of a group with a {@code health_check} gets {@code GET path} on a fresh connection
 * ({@code Connection: close}); the response head must come within {@code timeout} with the expected
 * status. The results go to
 * {@link OriginGroup#checked}, which applies the rise and fall counts and logs the transitions.
 *
 * <p>Runs on the given event loops (the workers, or a small group of its own); it never blocks them:
 * connects, writes and timers are all asynchronous, and names are resolved by Netty's DNS resolver.
 * A server is never checked twice at once.
 */
public final class HealthChecker implements AutoCloseable {

    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final Map<String, SslContext> tls;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private volatile boolean closed;

    private HealthChecker(AddressResolverGroup<InetSocketAddress> resolver, Map<String, SslContext> tls) {
        this.resolver = resolver;
        this.tls = tls;
    }

    /**
     * Starts checking every group that has a {@code health_check}; the first round runs at once.
     *
     * @param resolver resolves server names that are not IP literals, without blocking (a
     *                 {@code DnsAddressResolverGroup})
     * @param tls      the TLS client context of each group that talks TLS to its servers; checks of those
     *                 groups use it, so a server whose certificate is refused is down
     */
    public static HealthChecker start(Collection<OriginGroup> groups, EventLoopGroup loops,
                                      AddressResolverGroup<InetSocketAddress> resolver, Map<String, SslContext> tls) {
        HealthChecker c = new HealthChecker(resolver, tls);
        for (OriginGroup g : groups) {
            OriginGroupConfig.HealthCheck hc = g.config().healthCheck();
            if (hc == null) {
                continue;
            }
            EventLoop loop = loops.next();
            long every = hc.interval().toNanos();
            c.next(g, loop, every, 0);
        }
        return c;
    }

    /**
     * Runs a round after {@code delay}, then schedules the next one an interval later, give or take 10 %
     * (as HAProxy's spread-checks and Envoy's interval jitter), so the checks of many groups and many
     * Palisade nodes do not hit the origins in lockstep.
     */
    private void next(OriginGroup g, EventLoop loop, long every, long delay) {
        if (closed) {
            return;
        }
        ScheduledFuture<?> t = loop.schedule(() -> {
            round(g, loop);
            long jitter = every / 10;
            long nextDelay = jitter > 0 ? every - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1) : every;
            next(g, loop, every, nextDelay);
        }, delay, TimeUnit.NANOSECONDS);
        synchronized (timers) {
            timers.removeIf(java.util.concurrent.Future::isDone);
            timers.add(t);
        }
        if (closed) {
            t.cancel(false);
        }
    }

    /**
     * Checks every server of {@code g} once, now, on {@code loop}; the future completes when every
     * check has reported. Servers with a check still running are skipped.
     */
    Future<Void> round(OriginGroup g, EventLoop loop) {
        Promise<Void> all = loop.newPromise();
        loop.execute(() -> {
            if (closed) {
                all.trySuccess(null);
                return;
            }
            int[] left = {1};
            Runnable oneDone = () -> {
                if (--left[0] == 0) {
                    all.trySuccess(null);
                }
            };
            for (Origin o : g.origins()) {
                if (o.startCheck()) {
                    left[0]++;
                    try {
                        check(g, o, loop, oneDone);
                    } catch (RuntimeException e) {
                        g.checked(o, false, "check could not start: " + e);
                        oneDone.run();
                    }
                }
            }
            oneDone.run();
        });
        return all;
    }

    /** A checker that schedules nothing by itself: tests drive it with {@link #round}. */
    static HealthChecker manual(AddressResolverGroup<InetSocketAddress> resolver) {
        return new HealthChecker(resolver, Map.of());
    }

    private void check(OriginGroup g, Origin o, EventLoop loop, Runnable done) {
        OriginGroupConfig.HealthCheck hc = g.config().healthCheck();
        Probe probe = new Probe(g, o, hc, done);
        SslContext context = tls.get(g.name());
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE, hc.timeout().toMillis())))
                .option(ChannelOption.TCP_NODELAY, true)
                .resolver(resolver)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (context != null) {
                            String name = g.config().tls().serverName();
                            ch.pipeline().addLast("tls", context.newHandler(ch.alloc(),
                                    name.isEmpty() ? o.configured().host() : name, o.address().port()));
                        }
                        ch.pipeline().addLast("codec", new HttpClientCodec()).addLast("probe", probe);
                    }
                });
        probe.timer = loop.schedule(() -> probe.finish(false, "no response within " + hc.timeout().toMillis() + " ms"),
                hc.timeout().toNanos(), TimeUnit.NANOSECONDS);
        b.connect(socketAddress(o.address())).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                probe.finish(false, "connect: " + f.cause().getMessage());
                return;
            }
            probe.channel = f.channel();
            if (probe.finished) {
                f.channel().close();
                return;
            }
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, hc.path());
            String host = g.config().hostHeader() != null ? g.config().hostHeader() : o.configured().toString();
            req.headers().set(HttpHeaderNames.HOST, host)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, "palisade-health-check")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            f.channel().writeAndFlush(req).addListener((ChannelFutureListener) w -> {
                if (!w.isSuccess()) {
                    probe.finish(false, "write: " + w.cause().getMessage());
                }
            });
        });
    }

    static SocketAddress socketAddress(HostPort hp) {
        byte[] literal = Cidr.literal(hp.host());
        if (literal != null) {
            try {
                return new InetSocketAddress(InetAddress.getByAddress(literal), hp.port());
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return InetSocketAddress.createUnresolved(hp.host(), hp.port());
    }

    /** One check of one server; reports exactly once, then closes its connection. */
    private final class Probe extends ChannelInboundHandlerAdapter {
        private final OriginGroup group;
        private final Origin origin;
        private final OriginGroupConfig.HealthCheck hc;
        private final Runnable done;
        ScheduledFuture<?> timer;
        Channel channel;
        boolean finished;

        Probe(OriginGroup group, Origin origin, OriginGroupConfig.HealthCheck hc, Runnable done) {
            this.group = group;
            this.origin = origin;
            this.hc = hc;
            this.done = done;
        }

        void finish(boolean ok, String detail) {
            if (finished) {
                return;
            }
            finished = true;
            if (timer != null) {
                timer.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
            group.checked(origin, ok, detail);
            done.run();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse r) {
                    int status = r.status().code();
                    if (r.decoderResult().isFailure()) {
                        finish(false, "bad response: " + r.decoderResult().cause().getMessage());
                    } else if (status >= 200 || status == 101) {
                        finish(hc.accepts(status), "status " + status);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(false, "closed before answering");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(false, String.valueOf(cause.getMessage()));
        }
    }

    /** Stops scheduling checks; checks in flight finish on their own. */
    @Override
    public void close() {
        closed = true;
        synchronized (timers) {
            for (ScheduledFuture<?> t : timers) {
                t.cancel(false);
            }
            timers.clear();
        }
    }
}
