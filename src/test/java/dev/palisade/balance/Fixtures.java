package dev.palisade.balance;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.palisade.config.HostPort;
import dev.palisade.config.OriginGroupConfig;
import dev.palisade.pipeline.ClientInfo;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.ListHeaders;
import dev.palisade.pipeline.RequestHead;

/** Groups, exchanges and a clock for the balancer's unit tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** A clock the test moves by hand. */
    static final class FakeClock implements LongSupplier {
        private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

        @Override
        public long getAsLong() {
            return now.get();
        }

        void advance(Duration d) {
            now.addAndGet(d.toNanos());
        }

        void advanceNanos(long n) {
            now.addAndGet(n);
        }
    }

    static List<OriginGroupConfig.Server> servers(int... weights) {
        List<OriginGroupConfig.Server> out = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            out.add(new OriginGroupConfig.Server(new HostPort("10.0.0." + (i + 1), 8080), weights[i]));
        }
        return out;
    }

    static OriginGroupConfig config(String policy, int... weights) {
        return new OriginGroupConfig("app", servers(weights), null, policy, null, null, null, null, null, null, null);
    }

    static Exchange get() {
        return exchange("GET", "10.9.9.9", List.of());
    }

    static Exchange exchange(String method, String clientIp, List<Map.Entry<String, String>> headers) {
        try {
            ListHeaders h = new ListHeaders();
            headers.forEach(e -> h.add(e.getKey(), e.getValue()));
            RequestHead head = RequestHead.of(method, "/", "HTTP/1.1", h);
            return new Exchange("req", head, new ClientInfo(InetAddress.getByName(clientIp), 1234, "http", "", ""), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map.Entry<String, String> header(String name, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }

    /** The index of {@code p}'s server in the group's server list (10.0.0.N -> N-1). */
    static int index(Pick p) {
        String h = p.server().host();
        return Integer.parseInt(h.substring(h.lastIndexOf('.') + 1)) - 1;
    }

    /** Picks {@code n} times, ending each attempt with 200 at once; returns picks per server. */
    static int[] spread(OriginGroup g, int servers, int n) {
        int[] counts = new int[servers];
        for (int i = 0; i < n; i++) {
            Pick p = g.select(get());
            counts[index(p)]++;
            p.done(200);
            p.end();
        }
        return counts;
    }
}
