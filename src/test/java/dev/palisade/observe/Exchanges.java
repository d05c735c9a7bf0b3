package dev.palisade.observe;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.palisade.pipeline.ClientInfo;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Headers;
import dev.palisade.pipeline.ProxyFlow;
import dev.palisade.pipeline.RequestHead;

/** Exchanges as the server makes them, for tests of the logging phase. */
public final class Exchanges {

    private Exchanges() {
    }

    public static Exchange of(String ip, String listener, String method, String target, Map<String, String> headers) {
        try {
            RequestHead head = RequestHead.of(method, target, "HTTP/1.1", new MapHeaders(headers));
            return new Exchange(RequestIds.next(), head, new ClientInfo(InetAddress.getByName(ip), 40000, listener, "", ""),
                    System.nanoTime());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An exchange a request stage refused: {@link ProxyFlow#DECIDED_BY} set as the runner sets it. */
    public static Exchange refusedByStage(String ip, String target, String stage, Map<String, String> headers) {
        Exchange ex = of(ip, "http", "GET", target, headers);
        ex.attrs().put(ProxyFlow.DECIDED_BY, stage);
        return ex;
    }

    /** Read-only headers over a map (names lower-cased). */
    static final class MapHeaders implements Headers {
        private final Map<String, String> m = new LinkedHashMap<>();

        MapHeaders(Map<String, String> in) {
            in.forEach((k, v) -> m.put(k.toLowerCase(java.util.Locale.ROOT), v));
        }

        @Override
        public String get(String name) {
            return m.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public List<String> getAll(String name) {
            String v = get(name);
            return v == null ? List.of() : List.of(v);
        }

        @Override
        public boolean contains(String name) {
            return get(name) != null;
        }

        @Override
        public java.util.Iterator<Map.Entry<String, String>> iterator() {
            return m.entrySet().iterator();
        }

        @Override
        public int size() {
            return m.size();
        }
    }
}
