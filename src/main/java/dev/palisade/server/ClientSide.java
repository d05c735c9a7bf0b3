package dev.palisade.server;

import io.netty.channel.ChannelPipeline;

/**
 * What {@link ClientHandler} needs from the protocol under it: HTTP/1.1 connections carry requests one
 * after another and must be told when the next may be read; an HTTP/2 stream carries exactly one.
 */
interface ClientSide {

    /** Whether the current request is complete and its answer not yet written (HTTP/1.1 only). */
    boolean paused();

    /** The answer is written and the connection stays: read the next request. */
    void resume();

    /** Sets before each response head whether it answers a HEAD request. */
    void answeringHead(boolean head);

    /** Whether the connection can carry another request after this one. */
    boolean reusable();

    /** After a 101 answer: stop HTTP processing, pass bytes both ways. */
    void startTunnel(ChannelPipeline p);

    static ClientSide of(ChannelPipeline p) {
        StrictRequestDecoder decoder = p.get(StrictRequestDecoder.class);
        return decoder != null ? new Http1(decoder, p.get(ResponseEncoder.class)) : Http2.INSTANCE;
    }

    /** One HTTP/1.1 connection: the strict decoder pauses after each request. */
    record Http1(StrictRequestDecoder decoder, ResponseEncoder encoder) implements ClientSide {
        @Override
        public boolean paused() {
            return decoder.paused();
        }

        @Override
        public void resume() {
            decoder.resume();
        }

        @Override
        public void answeringHead(boolean head) {
            encoder.answeringHead(head);
        }

        @Override
        public boolean reusable() {
            return true;
        }

        @Override
        public void startTunnel(ChannelPipeline p) {
            p.remove(encoder);
            decoder.startTunnel();
        }
    }

    /** One HTTP/2 stream: one request, framing and HEAD handled by the HTTP/2 codec. */
    final class Http2 implements ClientSide {
        static final Http2 INSTANCE = new Http2();

        @Override
        public boolean paused() {
            return false;
        }

        @Override
        public void resume() {
        }

        @Override
        public void answeringHead(boolean head) {
        }

        @Override
        public boolean reusable() {
            return false;
        }

        @Override
        public void startTunnel(ChannelPipeline p) {
            throw new IllegalStateException("no tunnels on HTTP/2 streams");
        }
    }
}
