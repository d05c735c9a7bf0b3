package dev.palisade.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.balance.Origin;
import dev.palisade.balance.OriginGroup;
import dev.palisade.config.HostPort;
import dev.palisade.config.OriginGroupConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;

/** Re-resolution against a real (in-process) DNS server: TTL-driven refresh, last good kept on failure. */
@Timeout(30)
class DnsRefresherTest {

    private static List<String> addresses(OriginGroup g) {
        return g.origins().stream().map(o -> o.address().toString()).toList();
    }

    private static void await(OriginGroup g, List<String> want) throws InterruptedException {
        while (!addresses(g).equals(want)) {
            Thread.sleep(10);
        }
    }

    @Test
    void namesAreResolvedReResolvedOnTheirTtlAndKeptWhenTheyStopResolving() throws Exception {
        EventLoopGroup loops = Transports.newGroup(1, "dns-test");
        try (FakeDnsServer dns = new FakeDnsServer()) {
            dns.a.put("app.palisade.test", "127.0.0.2");
            OriginGroup g = new OriginGroup(OriginGroupConfig.of("app",
                    List.of(HostPort.parse("app.palisade.test:8080"), HostPort.parse("127.0.0.9:8080"))));
            assertEquals(List.of("app.palisade.test:8080", "127.0.0.9:8080"), addresses(g),
                    "before the first answer the name itself is used");

            try (DnsRefresher r = DnsRefresher.start(List.of(g), loops,
                    new SingletonDnsServerAddressStreamProvider(dns.address()))) {
                await(g, List.of("127.0.0.2:8080", "127.0.0.9:8080"));
                Origin first = g.origins().get(0);
                assertEquals(HostPort.parse("app.palisade.test:8080"), first.configured());

                dns.a.put("app.palisade.test", "127.0.0.3");
                await(g, List.of("127.0.0.3:8080", "127.0.0.9:8080"));

                dns.a.remove("app.palisade.test");
                int before = dns.queries.get();
                while (dns.queries.get() < before + 4) {
                    Thread.sleep(10);
                }
                assertEquals(List.of("127.0.0.3:8080", "127.0.0.9:8080"), addresses(g),
                        "a name that stops resolving keeps its last good address");
            }
        } finally {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void ipv4IsPreferredWhenAnAnswerHasBothFamilies() throws Exception {
        java.net.InetAddress v4 = java.net.InetAddress.getByName("127.0.0.1");
        java.net.InetAddress v6 = java.net.InetAddress.getByName("::1");
        assertEquals(List.of(v4), DnsRefresher.preferIpv4(List.of(v6, v4)));
        assertEquals(List.of(v6), DnsRefresher.preferIpv4(List.of(v6)));
    }

    @Test
    void localhostFromTheHostsFileBecomesLoopback() throws Exception {
        EventLoopGroup loops = Transports.newGroup(1, "dns-test");
        try {
            OriginGroup g = new OriginGroup(OriginGroupConfig.of("app", List.of(HostPort.parse("localhost:8080"))));
            try (DnsRefresher r = DnsRefresher.start(List.of(g), loops)) {
                while (g.origins().get(0).address().host().equals("localhost")) {
                    Thread.sleep(10);
                }
                assertEquals("127.0.0.1:8080", g.origins().get(0).address().toString());
                assertEquals(1, g.origins().size());
            }
        } finally {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
