package dev.palisade.pipeline;

import java.net.InetAddress;

/**
 * Phase 1: decides on a new connection before the TLS handshake, so a flood costs an accept and no
 * more. Must be cheap and must not block. {@link #release} is called exactly once for every admitted
 * connection when it closes.
 */
public interface ConnectionGate {

    ConnectionGate OPEN = new ConnectionGate() {
        @Override
        public boolean admit(InetAddress address) {
            return true;
        }
    };

    boolean admit(InetAddress address);

    default void release(InetAddress address) {
    }
}
