package dev.palisade.server;

import java.util.ArrayList;
import java.util.List;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The first bytes of a request body, held while the request stages decide, when a rule reads the body.
 * Bounded by the inspection limit (plus at most one read); the held pieces are forwarded unchanged once
 * the request is accepted, or released when it is not.
 */
final class BodyPrefix {

    private final HttpRequest request;
    private final int limit;
    private final List<HttpContent> held = new ArrayList<>(4);
    private int size;

    BodyPrefix(HttpRequest request, int limit) {
        this.request = request;
        this.limit = limit;
    }

    HttpRequest request() {
        return request;
    }

    /** Holds {@code c}; true when enough is held to decide (the limit is reached or the body ended). */
    boolean add(HttpContent c) {
        held.add(c);
        size += c.content().readableBytes();
        return size >= limit || c instanceof LastHttpContent;
    }

    /** Up to {@code limit} bytes of what is held. */
    byte[] bytes() {
        byte[] out = new byte[Math.min(size, limit)];
        int at = 0;
        for (int i = 0; i < held.size() && at < out.length; i++) {
            var buf = held.get(i).content();
            int n = Math.min(buf.readableBytes(), out.length - at);
            buf.getBytes(buf.readerIndex(), out, at, n);
            at += n;
        }
        return out;
    }

    /** Hands every held piece to {@code call}, in order, or releases them when there is no call. */
    void replay(ProxyCall call) {
        for (HttpContent c : held) {
            if (call != null) {
                call.onRequestContent(c);
            } else {
                c.release();
            }
        }
        held.clear();
    }

    void release() {
        for (HttpContent c : held) {
            c.release();
        }
        held.clear();
    }
}
