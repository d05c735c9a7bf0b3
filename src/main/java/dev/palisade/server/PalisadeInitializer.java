package dev.palisade.server;

import java.util.function.Supplier;

import dev.palisade.config.LimitsConfig;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.TimeoutsConfig;
import dev.palisade.tls.Http2Limits;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * The client connection's pipeline, top to bottom. Each line adds one stage; the order is the design:
 * the real client address first, the flood gate before any TLS work, TLS (then ALPN picks HTTP/2 or
 * HTTP/1.1), the strict HTTP/1.1 codec that also owns the header deadline and keep-alive idle timer or
 * the HTTP/2 frame codec with its limits, and last the proxy itself, the same for both protocols.
 */
final class PalisadeInitializer extends ChannelInitializer<Channel> {

    private final ListenerConfig bound;
    private final Supplier<Generation> generations;
    private final ServerState state;
    private final EdgeComponents components;

    PalisadeInitializer(ListenerConfig listener, Supplier<Generation> generations, ServerState state,
                        EdgeComponents components) {
        this.bound = listener;
        this.generations = generations;
        this.state = state;
        this.components = components;
    }

    @Override
    protected void initChannel(Channel ch) {
        state.clients().add(ch);
        ChannelPipeline p = ch.pipeline();
        ListenerConfig listener = settings();
        addProxyProtocol(p, listener);
        addConnectionGate(p, listener, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel admitted) {
                addRest(admitted.pipeline(), listener);
            }
        });
    }

    /** What an admitted connection gets; built only once the gate has admitted it. */
    private void addRest(ChannelPipeline p, ListenerConfig listener) {
        if (listener.secure()) {
            addTls(p, listener);
            addProtocolChoice(p, listener);
        } else {
            addHttp1(p, listener);
        }
    }

    /**
     * This listener's settings in the generation in force (a reload may have changed them); the settings it
     * was bound with when a reload has just removed it and the connection was accepted before it closed.
     */
    private ListenerConfig settings() {
        for (ListenerConfig l : generations.get().config().listeners()) {
            if (l.name().equals(bound.name())) {
                return !l.secure() || components.tls(l.name()) != null ? l : bound;
            }
        }
        return bound;
    }

    /** HTTP/1.1: the strict codec, the slow-client guards, the proxy. */
    private void addHttp1(ChannelPipeline p, ListenerConfig listener) {
        addHttpCodec(p);
        addSlowClientGuards(p, listener);
        addProxy(p, listener);
    }

    /** HTTP/2: the frame codec with its flood limits, then one child channel per stream into the same proxy. */
    private void addHttp2(ChannelPipeline p, ListenerConfig listener) {
        p.addLast("h2", Http2Limits.DEFAULTS.newServerCodec());
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.pipeline().addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true, false));
                stream.pipeline().addLast("h2-request", new Http2Requests(generations.get().config().limits().maxBody()));
                addProxy(stream.pipeline(), listener);
            }
        }));
    }

    /** After the handshake, ALPN decides between HTTP/2 and HTTP/1.1. */
    private void addProtocolChoice(ChannelPipeline p, ListenerConfig listener) {
        p.addLast("alpn", new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    addHttp2(ctx.pipeline(), listener);
                } else {
                    addHttp1(ctx.pipeline(), listener);
                }
            }

            @Override
            protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
    }

    /** 1. PROXY protocol v1/v2, only on listeners behind an L4 balancer. */
    private void addProxyProtocol(ChannelPipeline p, ListenerConfig listener) {
        if (listener.proxyProtocol()) {
            components.proxyProtocol(p, listener);
        }
    }

    /** 2. The connection gate: banned or flooding addresses are cut before the handshake; {@code rest} only for the admitted. */
    private void addConnectionGate(ChannelPipeline p, ListenerConfig listener, ChannelHandler rest) {
        components.connectionGate(p, listener, rest);
    }

    /** 3. TLS termination with SNI and ALPN. */
    private void addTls(ChannelPipeline p, ListenerConfig listener) {
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
    private void addSlowClientGuards(ChannelPipeline p, ListenerConfig listener) {
        components.slowClientGuards(p, listener);
    }

    /** 6 to 11. Request stages, routing, forwarding, response stages, logging. */
    private void addProxy(ChannelPipeline p, ListenerConfig listener) {
        p.addLast("proxy", new ClientHandler(generations, listener, state, components::clientInfo));
    }
}
