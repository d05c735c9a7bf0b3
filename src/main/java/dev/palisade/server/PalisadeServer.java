package dev.palisade.server;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.balance.Router;
import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.forward.Transports;
import dev.palisade.headers.ErrorPages;
import dev.palisade.headers.GroupHeaders;
import dev.palisade.headers.HeaderPolicies;
import dev.palisade.observe.AccessLog;
import dev.palisade.pipeline.LogStage;
import dev.palisade.pipeline.ProxyFlow;
import dev.palisade.pipeline.RequestStage;
import dev.palisade.pipeline.ResponseStage;
import dev.palisade.pipeline.UpstreamRequestStage;
import dev.palisade.rules.RuleEngineStage;
import dev.palisade.rules.RuleLoader;
import dev.palisade.rules.RuleSet;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * A running Palisade: the listeners, the event loops, and the current {@link Generation}. Reload swaps the
 * generation whole; connections pick it up at their next request. Shutdown stops accepting, lets
 * in-flight requests finish up to the grace period, then closes what is left.
 */
public final class PalisadeServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PalisadeServer.class);

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ServerState state;
    private final AtomicReference<Generation> current = new AtomicReference<>();
    private final Map<String, Channel> listeners = new LinkedHashMap<>();
    private EdgeComponents components;

    private PalisadeServer(int threads) {
        this.boss = Transports.newGroup(1, "palisade-accept");
        this.workers = Transports.newGroup(threads, "palisade-io");
        this.state = new ServerState(new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE));
    }

    /**
     * Builds everything {@link #start} would build from {@code config} (certificates, rule files) without
     * binding a port, and reports every problem found: what {@code palisade check} runs.
     */
    public static void validate(PalisadeConfig config) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        try {
            EdgeComponents.build(config).close();
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        try {
            RuleLoader.load(config.rules());
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Binds every listener of {@code config}; on any failure nothing is left running. */
    public static PalisadeServer start(PalisadeConfig config) throws StartException {
        PalisadeServer s = new PalisadeServer(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            EdgeComponents components;
            try {
                RuleSet rules = RuleLoader.load(config.rules());
                components = EdgeComponents.build(config);
                s.components = components;
                s.current.set(s.assemble(config, rules));
            } catch (ConfigException e) {
                throw new StartException("configuration has problems:\n" + e.getMessage());
            }
            s.bindAll(config, components);
            components.watchCertificates();
            log.info("palisade started ({} transport, {} io threads)", Transports.name(),
                    Runtime.getRuntime().availableProcessors());
            return s;
        } catch (StartException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void bindAll(PalisadeConfig config, EdgeComponents components) throws StartException {
        for (ListenerConfig l : config.listeners()) {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(Transports.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.AUTO_READ, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                    .childHandler(new PalisadeInitializer(l, current::get, state, components));
            ChannelFuture f = b.bind(l.bind().host(), l.bind().port()).awaitUninterruptibly();
            if (!f.isSuccess()) {
                Throwable c = f.cause();
                String why = c instanceof BindException || String.valueOf(c.getMessage()).contains("in use")
                        ? "address already in use" : String.valueOf(c.getMessage());
                throw new StartException("listener '" + l.name() + "': cannot bind " + l.bind() + ": " + why);
            }
            listeners.put(l.name(), f.channel());
            InetSocketAddress bound = address(l.name());
            log.info("listener '{}' on {}://{}:{}", l.name(), l.secure() ? "https" : "http", bound.getHostString(), bound.getPort());
        }
    }

    /** Builds the stage flow and router for {@code config}. */
    private Generation assemble(PalisadeConfig config, RuleSet rules) {
        List<RequestStage> request = new ArrayList<>();
        List<UpstreamRequestStage> upstream = new ArrayList<>();
        List<ResponseStage> response = new ArrayList<>();
        List<LogStage> logStages = new ArrayList<>();
        request.addAll(HeaderPolicies.request(config.headers()));
        request.addAll(components.guard().requestStages());
        request.add(new RuleEngineStage(rules, config.rules()));
        upstream.addAll(HeaderPolicies.upstream(config.headers(), config.forwarding()));
        response.addAll(HeaderPolicies.response(config.headers()));
        if (config.log().accessEnabled()) {
            logStages.add(new AccessLog());
        }
        Map<String, GroupHeaders> groupHeaders = new HashMap<>();
        config.origins().forEach((name, group) -> groupHeaders.put(name, GroupHeaders.of(group)));
        ProxyFlow flow = new ProxyFlow(request, upstream, response, logStages);
        return new Generation(config, flow, new Router(config), ErrorPages.of(config.headers())::page,
                config.headers().server(), Map.copyOf(groupHeaders),
                rules.readsBody() && !config.rules().mode().equals("off") ? config.rules().bodyLimit() : 0);
    }

    /**
     * Swaps in a new configuration and rule set for the next requests; certificates are reloaded too.
     * Listeners are not rebound. Anything wrong and nothing changes: the running generation keeps serving.
     */
    public void reload(PalisadeConfig config) throws ConfigException {
        RuleSet rules = RuleLoader.load(config.rules());
        components.reload(config);
        current.set(assemble(config, rules));
        log.info("configuration reloaded: {} rule(s)", rules.size());
    }

    public PalisadeConfig config() {
        return current.get().config();
    }

    /** The bound address of a listener (useful with port 0). */
    public InetSocketAddress address(String listener) {
        Channel ch = listeners.get(listener);
        if (ch == null) {
            throw new IllegalArgumentException("no listener named '" + listener + "'");
        }
        return (InetSocketAddress) ch.localAddress();
    }

    public int port(String listener) {
        return address(listener).getPort();
    }

    /** Stops accepting, lets in-flight requests finish within {@code grace}, then closes everything. */
    public void shutdown(Duration grace) {
        for (Channel l : listeners.values()) {
            l.close().awaitUninterruptibly();
        }
        state.startDraining();
        for (Channel ch : state.clients()) {
            ch.eventLoop().execute(() -> {
                ClientHandler h = ch.pipeline().get(ClientHandler.class);
                if (h != null) {
                    h.drain();
                } else {
                    ch.close();
                }
            });
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (!state.clients().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        state.clients().close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        if (components != null) {
            components.close();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
