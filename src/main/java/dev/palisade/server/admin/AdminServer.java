package dev.palisade.server.admin;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.config.AdminConfig;
import dev.palisade.config.HostPort;
import dev.palisade.observe.LiveStats;
import dev.palisade.server.StartException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The admin listener: a small HTTP/1.1 server on its own port (127.0.0.1:9901 by default, never a proxy
 * listener) and its own single event loop, so a busy proxy cannot starve it and it cannot slow the proxy.
 * Serves /metrics, /healthz, /readyz, the admin API under /admin/ (bearer token), /api/stats and the
 * dashboard at /. See {@link AdminHandler} for the routes.
 *
 * <p>Pipeline: HTTP codec with small limits, keep-alive, a 16 KiB body aggregator (larger bodies get 413),
 * a read timeout, then {@link AdminHandler}. Reloads run on a separate worker thread, since loading a
 * config reads files.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    static final int MAX_BODY = 16 * 1024;

    private final EventLoopGroup group;
    private final ExecutorService worker;
    private final ServerBootstrap bootstrap;
    private final ScheduledFuture<?> sampler;
    /** The listening socket; null once a reload set {@code admin.enabled: false}. */
    private volatile Channel channel;
    private volatile AdminConfig config;

    private AdminServer(AdminConfig config, AdminHooks hooks) throws StartException {
        this.config = config;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("palisade-admin", true),
                NioIoHandler.newFactory());
        this.worker = Executors.newSingleThreadExecutor(new DefaultThreadFactory("palisade-admin-reload", true));
        LiveStats stats = new LiveStats(hooks.metrics());
        Dashboard dashboard = new Dashboard();
        this.bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("timeout", new ReadTimeoutHandler(30))
                                .addLast("codec", new HttpServerCodec(4096, 8192, 8192))
                                .addLast("keepAlive", new HttpServerKeepAliveHandler())
                                .addLast("aggregator", new HttpObjectAggregator(MAX_BODY))
                                .addLast("admin", new AdminHandler(AdminServer.this::config, hooks, stats, dashboard,
                                        worker));
                    }
                });
        try {
            this.channel = bind(config.bind());
        } catch (StartException e) {
            shutdownThreads();
            throw e;
        }
        this.sampler = group.next().scheduleAtFixedRate(stats::sample, 0, 1, TimeUnit.SECONDS);
        if (config.effectiveToken() == null) {
            log.warn("admin: no token (admin.token or admin.token_env): every /admin/ call is refused with 401");
        }
        log.info("admin listener on http://{}:{}/ (dashboard), /metrics", address().getHostString(), port());
    }

    /** Binds the admin listener; on failure nothing is left running. */
    public static AdminServer start(AdminConfig config, AdminHooks hooks) throws StartException {
        return new AdminServer(config, hooks);
    }

    private Channel bind(HostPort where) throws StartException {
        ChannelFuture f = bootstrap.bind(where.host(), where.port()).awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable c = f.cause();
            String why = c instanceof BindException || String.valueOf(c.getMessage()).contains("in use")
                    ? "address already in use" : String.valueOf(c.getMessage());
            throw new StartException("admin: cannot bind " + where + ": " + why);
        }
        return f.channel();
    }

    AdminConfig config() {
        return config;
    }

    /** What a reload does to the admin listener: prepared before the swap, then committed or aborted. */
    public interface Change {
        Change NONE = new Change() {
            @Override
            public void commit() {
            }

            @Override
            public void abort() {
            }
        };

        /** Makes the change; the old listening socket, if moved or disabled, is closed (open connections finish). */
        void commit();

        /** Undoes what {@link AdminServer#prepare} did: a socket bound ahead is closed again. */
        void abort();
    }

    /**
     * Readies a reloaded admin config, the way nginx and HAProxy apply a new listen address on reload: a new
     * {@code admin.bind} is bound here, before anything else is swapped, so a port in use refuses the whole
     * reload with that reason and the running listener stays; {@code admin.enabled: false} closes the
     * listening socket at commit (connections already open, such as the one that asked for the reload, get
     * their answer). The token and allowed hosts take effect at commit. Blocks for the bind: not on an
     * event loop.
     */
    public Change prepare(AdminConfig next) throws StartException {
        Channel now = channel;
        boolean move = next.enabled() && (now == null || !next.bind().equals(config.bind()));
        Channel fresh = move ? bind(next.bind()) : null;
        return new Change() {
            @Override
            public void commit() {
                Channel old = channel;
                channel = next.enabled() ? (fresh != null ? fresh : old) : null;
                config = next;
                if (old != null && old != channel) {
                    old.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
                }
                if (fresh != null) {
                    log.info("admin listener moved to http://{}:{}/", address().getHostString(), port());
                } else if (!next.enabled() && old != null) {
                    log.info("admin listener closed (admin.enabled: false)");
                }
            }

            @Override
            public void abort() {
                if (fresh != null) {
                    fresh.close();
                }
            }
        };
    }

    /** Whether the listener accepts connections (false after a reload disabled it). */
    public boolean listening() {
        Channel ch = channel;
        return ch != null && ch.isActive();
    }

    public InetSocketAddress address() {
        Channel ch = channel;
        if (ch == null) {
            throw new IllegalStateException("the admin listener is disabled");
        }
        return (InetSocketAddress) ch.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    /** The dashboard's URL, e.g. {@code http://127.0.0.1:9901/}. */
    public String url() {
        String host = address().getHostString();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
            host = "127.0.0.1";
        }
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    @Override
    public void close() {
        sampler.cancel(false);
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        shutdownThreads();
    }

    private void shutdownThreads() {
        worker.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
