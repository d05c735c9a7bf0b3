package dev.palisade.server;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

import dev.palisade.pipeline.MutableHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/** Lets the stages see and change Netty's headers without copying them. */
final class NettyHeaders implements MutableHeaders {

    private final HttpHeaders headers;

    NettyHeaders(HttpHeaders headers) {
        this.headers = headers;
    }

    @Override
    public String get(String name) {
        return headers.get(name);
    }

    @Override
    public List<String> getAll(String name) {
        return headers.getAll(name);
    }

    @Override
    public boolean contains(String name) {
        return headers.contains(name);
    }

    @Override
    public int size() {
        return headers.size();
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return headers.iteratorAsString();
    }

    @Override
    public void set(String name, String value) {
        headers.set(name, value);
    }

    @Override
    public void add(String name, String value) {
        headers.add(name, value);
    }

    @Override
    public boolean remove(String name) {
        boolean had = headers.contains(name);
        headers.remove(name);
        return had;
    }
}
