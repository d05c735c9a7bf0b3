package dev.palisade.server;

import dev.palisade.config.ListenerConfig;
import dev.palisade.pipeline.ClientInfo;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The connection-level parts that other packages provide (PROXY protocol, the flood gate, TLS, the
 * slow-client guards) and the facts they learn about a client. The initializer asks for them in
 * pipeline order; a part that is not configured adds nothing.
 */
class EdgeComponents {

    void proxyProtocol(ChannelPipeline p, ListenerConfig listener) {
    }

    void connectionGate(ChannelPipeline p, ListenerConfig listener) {
    }

    void tls(ChannelPipeline p, ListenerConfig listener) {
        throw new IllegalStateException("TLS is not available on listener " + listener.name());
    }

    void slowClientGuards(ChannelPipeline p, ListenerConfig listener) {
    }

    ClientInfo clientInfo(ChannelHandlerContext ctx, ListenerConfig listener, HttpHeaders headers) {
        return ClientHandler.peerInfo(ctx, listener);
    }
}
