package dev.palisade.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.balance.GroupSnapshot;
import dev.palisade.balance.Router;
import dev.palisade.forward.OriginServices;
import dev.palisade.cluster.ClusterNode;
import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.DirectoryWatcher;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.forward.Transports;
import dev.palisade.guard.Guard;
import dev.palisade.guard.flood.AcceptFilter;
import dev.palisade.headers.ErrorPages;
import dev.palisade.headers.GroupHeaders;
import dev.palisade.headers.HeaderPolicies;
import dev.palisade.observe.AccessLog;
import dev.palisade.observe.LogSetup;
import dev.palisade.observe.Metrics;
import dev.palisade.observe.MetricsLogStage;
import dev.palisade.observe.SecurityEvent;
import dev.palisade.observe.SecurityLog;
import dev.palisade.pipeline.ConnectionGate;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.LogStage;
import dev.palisade.pipeline.ProxyFlow;
import dev.palisade.pipeline.RequestStage;
import dev.palisade.pipeline.ResponseStage;
import dev.palisade.pipeline.UpstreamRequestStage;
import dev.palisade.rules.RuleEngineStage;
import dev.palisade.tls.HttpsRedirect;
import dev.palisade.rules.RuleHit;
import dev.palisade.rules.RuleLoader;
import dev.palisade.rules.RuleSet;
import dev.palisade.server.admin.AdminHooks;
import dev.palisade.server.admin.AdminServer;
import dev.palisade.server.admin.BanAdmin;
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
    private final AtomicReference<OriginServices> originServices = new AtomicReference<>();
    private final Map<String, Channel> listeners = new ConcurrentHashMap<>();
    private volatile AdminServer admin;
    private volatile DirectoryWatcher rulesWatcher;
    /** Ejection counts per "group\nserver" at the last look, read and written on the accept thread only. */
    private final Map<String, Integer> ejectionsSeen = new HashMap<>();
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
            s.watchRules(config);
            components.startCluster();
            CounterExport export = new CounterExport();
            s.boss.scheduleAtFixedRate(() -> {
                s.publishOriginState();
                try {
                    export.run(components);
                } catch (RuntimeException e) {
                    log.warn("counters not exported: {}", e.toString());
                }
            }, 1, 1, TimeUnit.SECONDS);
            LogSetup.apply(config.log());
            Metrics.global().activeBans(() -> s.components.guard() == null ? 0 : s.components.guard().bans().size());
            components.guard().bans().addListener((key, cause, ban) -> {
                Metrics.global().banned(cause.label());
                SecurityLog.ban(ban.address(), cause.label(), ban.reason(), ban.duration(), ban.strike());
            });
            if (config.admin().enabled()) {
                s.admin = AdminServer.start(config.admin(), s.adminHooks());
            }
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
            listeners.put(l.name(), bind(l, components, true));
            InetSocketAddress bound = address(l.name());
            log.info("listener '{}' on {}://{}:{}", l.name(), l.secure() ? "https" : "http", bound.getHostString(), bound.getPort());
        }
    }

    /**
     * Binds listener {@code l}; with {@code accepting} false the socket is bound (so the port is taken) but
     * connections wait in the backlog until {@link ListenerChange#commit} turns accepting on.
     */
    private Channel bind(ListenerConfig l, EdgeComponents components, boolean accepting) throws StartException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, accepting)
                // TCP_NODELAY and AUTO_READ are already on in a new channel's config (Netty's defaults
                // on every supported platform); setting TCP_NODELAY again costs a system call per connection
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 128 * 1024))
                // denied and banned addresses are reset as they are accepted (not behind an L4 balancer)
                .handler(new AcceptFilter(l.proxyProtocol() ? () -> ConnectionGate.OPEN : () -> components.guard().gate()))
                .childHandler(new PalisadeInitializer(l, current::get, state, components));
        ChannelFuture f = b.bind(l.bind().host(), l.bind().port()).awaitUninterruptibly();
        if (!f.isSuccess()) {
            Throwable c = f.cause();
            String why = c instanceof BindException || String.valueOf(c.getMessage()).contains("in use")
                    ? "address already in use" : String.valueOf(c.getMessage());
            throw new StartException("listener '" + l.name() + "': cannot bind " + l.bind() + ": " + why);
        }
        return f.channel();
    }

    /**
     * What a reload does to the proxy listeners: listeners that are new or moved to another address are bound
     * (not yet accepting) before anything else changes, so a port in use refuses the reload; on commit they
     * start accepting and listeners that were removed or moved stop accepting (their open connections finish
     * as usual). Settings other than the address apply to the connections accepted after the reload.
     */
    private final class ListenerChange {
        private final Map<String, Channel> bound = new LinkedHashMap<>();
        private final List<String> closing = new ArrayList<>();

        ListenerChange(PalisadeConfig next) throws ConfigException {
            Map<String, ListenerConfig> before = new HashMap<>();
            config().listeners().forEach(l -> before.put(l.name(), l));
            Set<String> kept = new HashSet<>();
            for (ListenerConfig l : next.listeners()) {
                ListenerConfig old = before.get(l.name());
                if (old != null && old.bind().equals(l.bind())) {
                    kept.add(l.name());
                    continue;
                }
                try {
                    bound.put(l.name(), bind(l, components, false));
                } catch (StartException e) {
                    abort();
                    String was = old != null ? "the listener stays on " + old.bind() : "the listener is not added";
                    throw new ConfigException(List.of(new ConfigProblem(next.source() == null ? "config"
                            : next.source().toString(), 0, "listeners." + l.name() + ".bind",
                            e.getMessage().replaceFirst("^listener '[^']*': ", "") + "; the reload is refused and " + was)));
                }
                if (old != null) {
                    closing.add(l.name());
                }
            }
            before.keySet().stream().filter(n -> !kept.contains(n) && !closing.contains(n)).forEach(closing::add);
        }

        void commit() {
            for (String name : closing) {
                Channel old = listeners.remove(name);
                if (old != null) {
                    // reload never runs on an event loop (admin worker, signal or file-watch thread)
                    old.close().awaitUninterruptibly();
                    log.info("listener '{}' stopped accepting on {}", name, old.localAddress());
                }
            }
            bound.forEach((name, ch) -> {
                listeners.put(name, ch);
                ch.config().setAutoRead(true);
                log.info("listener '{}' now accepting on {}", name, ch.localAddress());
            });
        }

        void abort() {
            bound.values().forEach(ch -> ch.close().awaitUninterruptibly());
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
        request.addAll(HttpsRedirect.stages(config.listeners(), components.terminators(), this::port));
        request.add(new RuleEngineStage(rules, config.rules()));
        upstream.addAll(HeaderPolicies.upstream(config.headers(), config.forwarding()));
        response.addAll(HeaderPolicies.response(config.headers()));
        if (config.log().accessEnabled()) {
            logStages.add(new AccessLog());
        }
        if (config.log().securityEnabled()) {
            logStages.add(new SecurityLog(PalisadeServer::ruleEvents));
        }
        logStages.add(new MetricsLogStage(Metrics.global(), PalisadeServer::ruleEvents));
        Map<String, GroupHeaders> groupHeaders = new HashMap<>();
        config.origins().forEach((name, group) -> groupHeaders.put(name, GroupHeaders.of(group)));
        ProxyFlow flow = new ProxyFlow(request, upstream, response, logStages);
        Generation previous = current.get();
        Router router = new Router(config, previous == null ? null : previous.router());
        OriginServices old = originServices.getAndSet(OriginServices.start(router, workers, components.originTls()));
        if (old != null) {
            old.close();
        }
        return new Generation(config, flow, router, ErrorPages.of(config.headers())::page,
                config.headers().server(), Map.copyOf(groupHeaders),
                rules.readsBody() && !config.rules().mode().equals("off") ? config.rules().bodyLimit() : 0,
                components.originTls());
    }

    /**
     * Swaps in a new configuration and rule set for the next requests; certificates are reloaded too, and
     * the admin listener moves to a new {@code admin.bind}; proxy listeners are added, moved or removed as
     * the new file says. Anything wrong (a port in use included) and nothing changes: the running generation
     * keeps serving.
     */
    public synchronized void reload(PalisadeConfig config) throws ConfigException {
        RuleSet rules = RuleLoader.load(config.rules());
        AdminServer.Change adminChange = prepareAdmin(config);
        ListenerChange listenerChange;
        try {
            listenerChange = new ListenerChange(config);
        } catch (ConfigException e) {
            adminChange.abort();
            throw e;
        }
        try {
            components.reload(config);
            current.set(assemble(config, rules));
        } catch (ConfigException | RuntimeException e) {
            adminChange.abort();
            listenerChange.abort();
            throw e;
        }
        adminChange.commit();
        listenerChange.commit();
        watchRules(config);
        LogSetup.apply(config.log());
        Metrics.global().reload(true);
        log.info("configuration reloaded: {} rule(s)", rules.size());
    }

    /** The rule engine's hits as security events, for the security log and the rule metrics. */
    private static List<SecurityEvent> ruleEvents(Exchange ex) {
        List<RuleHit> hits = ex.attrs().get(RuleEngineStage.HITS);
        if (hits == null) {
            return List.of();
        }
        // score contributions are events only when they added up to a refusal; below the threshold they
        // are the normal background of odd-but-harmless requests and would flood the security log
        boolean refused = ex.attrs().get(ProxyFlow.DECIDED_BY) != null;
        List<SecurityEvent> out = new ArrayList<>(hits.size());
        for (RuleHit h : hits) {
            if (refused || !h.action().equals("score")) {
                out.add(new SecurityEvent(h.action(), h.ruleId(), h.message(), h.field(), h.value()));
            }
        }
        return out;
    }

    /** POST /admin/reload: the config file the server runs from, read again (the demo rebuilds the same). */
    private AdminHooks.ReloadResult reloadFromSource() {
        PalisadeConfig now = config();
        try {
            reload(now.source() == null ? now : ConfigLoader.load(now.source()));
            return AdminHooks.ReloadResult.OK;
        } catch (ConfigException e) {
            Metrics.global().reload(false);
            log.error("reload refused, the running configuration stays:\n{}", e.getMessage());
            return AdminHooks.ReloadResult.refused(e.getMessage());
        }
    }

    private AdminHooks adminHooks() {
        return new AdminHooks(Metrics.global(),
                () -> !state.draining() && listeners.values().stream().allMatch(Channel::isActive),
                this::originState, this::reloadFromSource, new GuardBans());
    }

    /** The guard's ban list as the admin API sees it; reads the guard in force, which a reload may replace. */
    private final class GuardBans implements BanAdmin {
        @Override
        public List<Ban> list() {
            Guard g = components.guard();
            return g == null ? List.of() : g.bans().list().stream()
                    .map(b -> new Ban(b.address(), b.reason(), b.strike(), b.duration(), b.remaining())).toList();
        }

        @Override
        public boolean remove(String address) {
            Guard g = components.guard();
            try {
                // an IP literal checked by the admin API: no name lookup happens
                return g != null && g.bans().unban(InetAddress.getByName(address));
            } catch (UnknownHostException e) {
                return false;
            }
        }

        @Override
        public int clear() {
            Guard g = components.guard();
            return g == null ? 0 : g.bans().clear();
        }
    }

    /** Reloads from the config file (like SIGHUP) when a rule file changes; follows a reload that moved rules.dir. */
    private void watchRules(PalisadeConfig config) {
        Path dir = config.rules().dir();
        DirectoryWatcher w = rulesWatcher;
        if (w != null && dir != null && w.dir().equals(dir.toAbsolutePath())) {
            return;
        }
        if (w != null) {
            w.close();
        }
        rulesWatcher = null;
        // the shipped rules inside the jar never change: only a directory on the disk is watched
        if (dir != null && dir.getFileSystem() == FileSystems.getDefault() && Files.isDirectory(dir)) {
            try {
                rulesWatcher = DirectoryWatcher.start(dir, Duration.ofSeconds(1), "palisade-rules-watch", () -> {
                    log.info("rule files in {} changed: reloading", dir);
                    reloadFromSource();
                });
            } catch (IOException e) {
                log.warn("rule files in {} will not be watched (reload with SIGHUP): {}", dir, e.getMessage());
            }
        }
    }

    /** Distributed mode: this node's membership of the fleet, or null for a node on its own. */
    public ClusterNode cluster() {
        return components == null ? null : components.cluster();
    }

    /** Binds a new admin listener address ahead of a reload, so a port in use refuses the reload. */
    private AdminServer.Change prepareAdmin(PalisadeConfig config) throws ConfigException {
        AdminServer a = admin;
        try {
            if (a != null) {
                return a.prepare(config.admin());
            }
            if (!config.admin().enabled()) {
                return AdminServer.Change.NONE;
            }
            AdminServer started = AdminServer.start(config.admin(), adminHooks());
            return new AdminServer.Change() {
                @Override
                public void commit() {
                    admin = started;
                }

                @Override
                public void abort() {
                    started.close();
                }
            };
        } catch (StartException e) {
            String where = a != null && a.listening()
                    ? "stays on " + a.address().getHostString() + ":" + a.port() : "stays off";
            throw new ConfigException(List.of(new ConfigProblem(config.source() == null ? "config"
                    : config.source().toString(), 0, "admin.bind", e.getMessage().replaceFirst("^admin: ", "")
                    + "; the reload is refused and the admin listener " + where)));
        }
    }

    /** The admin listener, or null when {@code admin.enabled} is false. */
    public AdminServer admin() {
        AdminServer a = admin;
        return a != null && a.listening() ? a : null;
    }

    /** Once a second: each origin server's health, ejections (since the last look) and load into the metrics. */
    private void publishOriginState() {
        try {
            Metrics m = Metrics.global();
            for (GroupSnapshot g : originState()) {
                for (GroupSnapshot.Server srv : g.servers()) {
                    boolean up = !srv.state().equals("down") && !srv.state().equals("ejected");
                    m.originHealth(g.name(), srv.address(), up);
                    m.originLoad(g.name(), srv.address(), srv.pending(), srv.inUse());
                    Integer before = ejectionsSeen.put(g.name() + "\n" + srv.address(), srv.ejections());
                    m.originEjections(g.name(), srv.address(),
                            before == null || srv.ejections() < before ? srv.ejections() : srv.ejections() - before);
                }
            }
        } catch (RuntimeException e) {
            log.warn("origin state not published: {}", e.toString());
        }
    }

    /** The state of every origin group and server, for logs, metrics and the dashboard. */
    public List<GroupSnapshot> originState() {
        return current.get().router().snapshot();
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
        DirectoryWatcher w = rulesWatcher;
        if (w != null) {
            w.close();
        }
        if (components != null) {
            components.close();
        }
        OriginServices services = originServices.getAndSet(null);
        if (services != null) {
            services.close();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        AdminServer a = admin;
        if (a != null) {
            a.close();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
