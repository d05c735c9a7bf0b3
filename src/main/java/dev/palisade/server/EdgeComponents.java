package dev.palisade.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.pipeline.ClientInfo;
import dev.palisade.tls.TlsFacts;
import dev.palisade.tls.TlsTerminator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The connection-level parts other packages provide, per listener: TLS (and later PROXY protocol, the
 * flood gate and the slow-client guards), and the facts they learn about a client. The initializer asks
 * for them in pipeline order; a part that is not configured adds nothing.
 */
class EdgeComponents {

    private final Map<String, TlsTerminator> tls;

    private EdgeComponents(Map<String, TlsTerminator> tls) {
        this.tls = tls;
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
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new EdgeComponents(Map.copyOf(tls));
    }

    TlsTerminator tls(String listener) {
        return tls.get(listener);
    }

    Map<String, TlsTerminator> terminators() {
        return tls;
    }

    void proxyProtocol(ChannelPipeline p, ListenerConfig listener) {
    }

    void connectionGate(ChannelPipeline p, ListenerConfig listener) {
    }

    void tls(ChannelPipeline p, ListenerConfig listener) {
        p.addLast("tls", tls.get(listener.name()).newHandler(p.channel().alloc()));
    }

    void slowClientGuards(ChannelPipeline p, ListenerConfig listener) {
    }

    ClientInfo clientInfo(ChannelHandlerContext ctx, ListenerConfig listener, HttpHeaders headers) {
        ClientInfo peer = ClientHandler.peerInfo(ctx, listener);
        if (!listener.secure()) {
            return peer;
        }
        Channel ch = ctx.channel();
        return new ClientInfo(peer.address(), peer.port(), listener.name(), TlsFacts.version(ch), TlsFacts.sni(ch));
    }
}
