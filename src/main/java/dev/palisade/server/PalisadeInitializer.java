package dev.palisade.server;

import java.util.function.Supplier;

import dev.palisade.config.LimitsConfig;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.TimeoutsConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;

/**
 * The client connection's pipeline, top to bottom. Each line adds one stage; the order is the design:
 * the real client address first, the flood gate before any TLS work, TLS, the strict HTTP codec that
 * also owns the header deadline and keep-alive idle timer, and last the proxy itself.
 */
final class PalisadeInitializer extends ChannelInitializer<Channel> {

    private final ListenerConfig listener;
    private final Supplier<Generation> generations;
    private final ServerState state;
    private final EdgeComponents components;

    PalisadeInitializer(ListenerConfig listener, Supplier<Generation> generations, ServerState state,
                        EdgeComponents components) {
        this.listener = listener;
        this.generations = generations;
        this.state = state;
        this.components = components;
    }

    @Override
    protected void initChannel(Channel ch) {
        state.clients().add(ch);
        ChannelPipeline p = ch.pipeline();
        addProxyProtocol(p);
        addConnectionGate(p);
        addTls(p);
        addHttpCodec(p);
        addSlowClientGuards(p);
        addProxy(p);
    }

    /** 1. PROXY protocol v1/v2, only on listeners behind an L4 balancer. */
    private void addProxyProtocol(ChannelPipeline p) {
        if (listener.proxyProtocol()) {
            components.proxyProtocol(p, listener);
        }
    }

    /** 2. The connection gate: banned or flooding addresses are cut before the handshake. */
    private void addConnectionGate(ChannelPipeline p) {
        components.connectionGate(p, listener);
    }

    /** 3. TLS termination with SNI and ALPN. */
    private void addTls(ChannelPipeline p) {
        if (listener.secure()) {
            components.tls(p, listener);
        }
    }

    /** 4 and 5. Strict HTTP/1.1 decoding with limits, the header deadline and the idle timeout. */
    private void addHttpCodec(ChannelPipeline p) {
        Generation g = generations.get();
        LimitsConfig limits = g.config().limits();
        TimeoutsConfig t = g.config().timeouts();
        p.addLast("decoder", new StrictRequestDecoder(limits.maxRequestLine(), limits.maxHeaderSize(),
                limits.maxHeaders(), limits.maxBody(), t.clientHeader().toNanos(), t.clientIdle().toNanos()));
        p.addLast("encoder", new ResponseEncoder());
    }

    /** 4. Minimum body rate and slow readers. */
    private void addSlowClientGuards(ChannelPipeline p) {
        components.slowClientGuards(p, listener);
    }

    /** 6 to 11. Request stages, routing, forwarding, response stages, logging. */
    private void addProxy(ChannelPipeline p) {
        p.addLast("proxy", new ClientHandler(generations, listener, state, components::clientInfo));
    }
}
