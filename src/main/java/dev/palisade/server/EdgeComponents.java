package dev.palisade.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.palisade.cluster.ClusterNode;
import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.guard.Guard;
import dev.palisade.guard.client.ClientAddress;
import dev.palisade.observe.Metrics;
import dev.palisade.config.TlsConfig;
import dev.palisade.pipeline.ClientCertificate;
import dev.palisade.pipeline.ClientInfo;
import dev.palisade.tls.CertificateWatcher;
import dev.palisade.tls.OriginTls;
import dev.palisade.tls.TlsFacts;
import dev.palisade.tls.TlsTerminator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;


/**
 * The connection-level parts other packages provide, per listener: PROXY protocol, the flood gate, TLS
 * and the slow-client guards, and the facts they learn about a client. The initializer asks
 * for them in pipeline order; a part that is not configured adds nothing. In distributed mode it also
 * holds this node's {@link ClusterNode}, whose bucket store the guard uses and which shares the guard's bans
 * (the guard knows nothing of Redis; the wiring is here).
 */
class EdgeComponents {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EdgeComponents.class);

    private volatile Map<String, TlsTerminator> tls;
    private volatile Guard guard;
    private final ClusterNode cluster;
    private volatile Map<String, SslContext> originTls;
    /** Certificate file watchers by listener name, once {@link #watchCertificates} has been called. */
    private final Map<String, CertificateWatcher> watchers = new ConcurrentHashMap<>();
    private volatile boolean watching;

    private EdgeComponents(Map<String, TlsTerminator> tls, Guard guard, ClusterNode cluster,
                           Map<String, SslContext> originTls) {
        this.tls = tls;
        this.guard = guard;
        this.cluster = cluster;
        this.originTls = originTls;
    }

    /**
     * The TLS client context of every origin group that has {@code tls:}, by group name. Built with the
     * certificates (and rebuilt on every reload, so a changed CA file takes effect for new connections);
     * a problem in any file is reported with the others and nothing changes.
     */
    private static Map<String, SslContext> originContexts(PalisadeConfig config, List<ConfigProblem> problems) {
        Map<String, SslContext> out = new HashMap<>();
        config.origins().forEach((name, group) -> {
            if (group.tls() != null) {
                try {
                    out.put(name, OriginTls.clientContext(group.tls()));
                } catch (ConfigException e) {
                    problems.addAll(e.problems());
                }
                String warning = group.tls().warning(name);
                if (!warning.isEmpty()) {
                    log.warn("{}", warning);
                }
            }
        });
        return Map.copyOf(out);
    }

    /** The origin groups' TLS client contexts of the current settings, by group name. */
    Map<String, SslContext> originTls() {
        return originTls;
    }

    /** Builds every listener's parts; certificate problems of all listeners are reported together. */
    static EdgeComponents build(PalisadeConfig config) throws ConfigException {
        Map<String, TlsTerminator> tls = new LinkedHashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        for (ListenerConfig l : config.listeners()) {
            if (l.secure()) {
                try {
                    tls.put(l.name(), TlsTerminator.create(l.name(), l.tls()));
                } catch (ConfigException e) {
                    problems.addAll(e.problems());
                }
            }
        }
        // distributed mode: built here without I/O, connected by startCluster once the server runs
        ClusterNode cluster = null;
        if (config.cluster() != null) {
            try {
                cluster = ClusterNode.create(config.cluster());
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(config.source() == null ? "" : config.source().toString(), 0, "cluster",
                        e.getMessage()));
            }
        }
        Map<String, SslContext> origins = originContexts(config, problems);
        Guard guard = null;
        try {
            guard = cluster == null ? Guard.create(config.guard())
                    : Guard.create(config.guard(), Ticker.systemTicker(), cluster.rateLimitStore());
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            if (guard != null) {
                guard.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            throw new ConfigException(problems);
        }
        return new EdgeComponents(Map.copyOf(tls), guard, cluster, origins);
    }

    /**
     * Distributed mode: starts connecting to Redis in the background (the node serves on local state until it
     * is connected), shares the guard's bans, and shows the node's state in the metrics and /readyz. No-op for
     * a node on its own.
     */
    void startCluster() {
        if (cluster == null) {
            return;
        }
        cluster.shareBans(() -> guard.bans());
        cluster.start();
        Metrics.global().cluster(() -> {
            ClusterNode.Status s = cluster.status();
            return new Metrics.ClusterView(s.node(), s.shared(), s.detail(), s.fallbacks(), s.errors());
        });
    }

    /** This node's membership of a fleet, or null for a node on its own. */
    ClusterNode cluster() {
        return cluster;
    }

    Guard guard() {
        return guard;
    }

    /**
     * Reloads the certificates of every TLS listener and the guard's settings (bans, strikes and
     * open-connection counts carry over). Everything is read and checked first; one bad file and nothing
     * changes anywhere. Reads files: never call it on an event loop.
     */
    void reload(PalisadeConfig config) throws ConfigException {
        List<TlsTerminator.Prepared> prepared = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, TlsTerminator> nextTls = new LinkedHashMap<>();
        for (ListenerConfig l : config.listeners()) {
            if (!l.secure()) {
                continue;
            }
            TlsTerminator t = tls.get(l.name());
            try {
                if (t != null) {
                    prepared.add(t.prepare(l.tls()));
                    nextTls.put(l.name(), t);
                } else {
                    // a listener added by this reload, or one that was plain before
                    nextTls.put(l.name(), TlsTerminator.create(l.name(), l.tls()));
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        Map<String, SslContext> origins = originContexts(config, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        if (!java.util.Objects.equals(config.cluster(), cluster == null ? null : cluster.config())) {
            log.warn("cluster: changes to the cluster section take effect on restart");
        }
        Guard next = guard.reload(config.guard());
        prepared.forEach(TlsTerminator.Prepared::apply);
        tls.forEach((name, t) -> {
            if (nextTls.get(name) != t) {
                t.close();
            }
        });
        tls = Map.copyOf(nextTls);
        originTls = origins;
        if (watching) {
            watchers.entrySet().removeIf(w -> {
                boolean gone = !nextTls.containsKey(w.getKey());
                if (gone) {
                    w.getValue().close();
                }
                return gone;
            });
            watchCertificates();
        }
        Guard old = guard;
        guard = next;
        if (old != next) {
            old.close();
        }
    }

    /** Watches every TLS listener's certificate files and reloads them after changes settle. */
    void watchCertificates() {
        watching = true;
        tls.forEach((name, t) -> {
            if (!watchers.containsKey(name)) {
                try {
                    watchers.put(name, CertificateWatcher.start(t, Duration.ofSeconds(2)));
                } catch (IOException e) {
                    log.warn("certificate files will not be watched (reload with SIGHUP): {}", e.getMessage());
                }
            }
        });
    }

    void close() {
        watchers.values().forEach(CertificateWatcher::close);
        tls.values().forEach(TlsTerminator::close);
        guard.close();
        if (cluster != null) {
            cluster.close();
            Metrics.global().cluster(null);
        }
    }

    TlsTerminator tls(String listener) {
        return tls.get(listener);
    }

    Map<String, TlsTerminator> terminators() {
        return tls;
    }

    void proxyProtocol(ChannelPipeline p, ListenerConfig listener) {
        p.addLast("proxy-protocol", guard.proxyProtocolHandler());
    }

    void connectionGate(ChannelPipeline p, ListenerConfig listener, ChannelHandler rest) {
        p.addLast("gate", guard.gateHandler(rest));
    }

    void tls(ChannelPipeline p, ListenerConfig listener) {
        p.addLast("tls", tls.get(listener.name()).newHandler(p.channel().alloc()));
    }

    void slowClientGuards(ChannelPipeline p, ListenerConfig listener) {
        guard.addSlowClientHandlers(p);
    }

    /** The connection's peer (after PROXY protocol) and its TLS facts; trusted forwarding headers come later, per request. */
    ClientInfo clientInfo(ChannelHandlerContext ctx, ListenerConfig listener) {
        Channel ch = ctx.channel();
        InetSocketAddress peer = ClientAddress.of(ch);
        if (!listener.secure()) {
            return new ClientInfo(peer.getAddress(), peer.getPort(), listener.name(), "", "");
        }
        // a listener that asks for no client certificate has none to report (and asking the session would throw)
        return new ClientInfo(peer.getAddress(), peer.getPort(), listener.name(), TlsFacts.version(ch), TlsFacts.sni(ch),
                listener.tls().clientAuth() == TlsConfig.ClientAuth.NONE ? ClientCertificate.NONE : TlsFacts.clientFacts(ch));
    }
}
