package dev.palisade.server;

import io.netty.channel.group.ChannelGroup;

/**
 * What every connection of one server shares besides the configuration: the open client channels and
 * whether the server is draining for shutdown.
 */
final class ServerState {

    private final ChannelGroup clients;
    private volatile boolean draining;

    ServerState(ChannelGroup clients) {
        this.clients = clients;
    }

    ChannelGroup clients() {
        return clients;
    }

    boolean draining() {
        return draining;
    }

    void startDraining() {
        draining = true;
    }
}
