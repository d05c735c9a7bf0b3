package dev.palisade.guard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.palisade.config.Cidr;
import dev.palisade.config.ForwardingConfig;
import dev.palisade.pipeline.ListHeaders;

class ClientAddressTest {

    private static final ForwardingConfig TRUST = ForwardingConfig.of(List.of(Cidr.parse("10.0.0.0/8"),
            Cidr.parse("2001:db8:ffff::/48")));

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static String resolve(String peer, String... headers) throws Exception {
        return ClientAddress.resolve(ip(peer), ListHeaders.of(headers), TRUST).getHostAddress();
    }

    @Test
    void untrustedPeerIsTheClientWhateverItSends() throws Exception {
        assertEquals("198.51.100.7", resolve("198.51.100.7", "X-Forwarded-For", "1.2.3.4"));
        assertEquals("198.51.100.7", resolve("198.51.100.7", "Forwarded", "for=1.2.3.4"));
        assertEquals("198.51.100.7", ClientAddress.resolve(ip("198.51.100.7"), ListHeaders.of("X-Forwarded-For", "1.2.3.4"),
                ForwardingConfig.DEFAULTS).getHostAddress());
    }

    @Test
    void rightMostUntrustedHopIsTheClient() throws Exception {
        // The client forged 6.6.6.6; 203.0.113.5 is what the first trusted proxy saw.
        assertEquals("203.0.113.5", resolve("10.0.0.2", "X-Forwarded-For", "6.6.6.6, 203.0.113.5, 10.0.0.9"));
        assertEquals("203.0.113.5", resolve("10.0.0.2", "X-Forwarded-For", "6.6.6.6", "X-Forwarded-For", "203.0.113.5"));
        assertEquals("203.0.113.5", resolve("10.0.0.2", "X-Forwarded-For", "203.0.113.5"));
    }

    @Test
    void trustedPeerWithoutHeadersIsTheClient() throws Exception {
        assertEquals("10.0.0.2", resolve("10.0.0.2"));
    }

    @Test
    void everyHopTrustedGivesTheLeftMost() throws Exception {
        assertEquals("10.1.1.1", resolve("10.0.0.2", "X-Forwarded-For", "10.1.1.1, 10.2.2.2"));
    }

    @Test
    void garbageHopStopsAtTheLastTrustedOne() throws Exception {
        assertEquals("10.0.0.9", resolve("10.0.0.2", "X-Forwarded-For", "1.2.3.4, evil.example, 10.0.0.9"));
        assertEquals("10.0.0.2", resolve("10.0.0.2", "X-Forwarded-For", "unknown"));
        assertEquals("10.0.0.2", resolve("10.0.0.2", "X-Forwarded-For", "1.2.3.4, "));
        assertEquals("10.0.0.2", resolve("10.0.0.2", "X-Forwarded-For", "999.1.1.1"));
    }

    @Test
    void forwardedHeaderIsReadWhenThereIsNoXff() throws Exception {
        assertEquals("203.0.113.5", resolve("10.0.0.2", "Forwarded",
                "for=6.6.6.6;proto=http, for=203.0.113.5;by=10.0.0.9, For=\"10.3.3.3:8080\""));
        assertEquals("2001:db8:0:0:0:0:0:1", resolve("10.0.0.2", "Forwarded", "for=\"[2001:db8::1]:4711\""));
        assertEquals("10.0.0.2", resolve("10.0.0.2", "Forwarded", "for=_hidden"));
        assertEquals("10.0.0.2", resolve("10.0.0.2", "Forwarded", "proto=https"));
    }

    @Test
    void xffWinsOverForwarded() throws Exception {
        assertEquals("203.0.113.5", resolve("10.0.0.2", "Forwarded", "for=6.6.6.6", "X-Forwarded-For", "203.0.113.5"));
    }

    @Test
    void portsAndIpv6FormsAreUnderstood() throws Exception {
        assertEquals("203.0.113.5", resolve("10.0.0.2", "X-Forwarded-For", "203.0.113.5:51000"));
        assertEquals("2001:db8:0:0:0:0:0:7", resolve("10.0.0.2", "X-Forwarded-For", "2001:db8::7"));
        assertEquals("2001:db8:0:0:0:0:0:7", resolve("2001:db8:ffff::1", "X-Forwarded-For", "[2001:db8::7]:443"));
    }

    @Test
    void channelFormUsesTheProxyProtocolAddressThenTrustedHeaders() throws Exception {
        dev.palisade.guard.PeerChannel direct = dev.palisade.guard.PeerChannel.from("198.51.100.7");
        java.net.InetSocketAddress a = ClientAddress.resolve(direct, ListHeaders.of("X-Forwarded-For", "1.2.3.4"), TRUST);
        assertEquals("198.51.100.7", a.getAddress().getHostAddress());
        assertEquals(40000, a.getPort());

        dev.palisade.guard.PeerChannel viaBalancer = dev.palisade.guard.PeerChannel.from("192.0.2.50");
        viaBalancer.attr(ClientAddress.KEY).set(new java.net.InetSocketAddress(ip("10.0.0.3"), 5555));
        java.net.InetSocketAddress b = ClientAddress.resolve(viaBalancer, ListHeaders.of("X-Forwarded-For", "203.0.113.5"), TRUST);
        assertEquals("203.0.113.5", b.getAddress().getHostAddress(), "the PROXY address is a trusted proxy here");
        assertEquals(0, b.getPort());
        direct.finishAndReleaseAll();
        viaBalancer.finishAndReleaseAll();
    }

    @Test
    void hopParserNeverResolvesNames() {
        assertNull(ClientAddress.parseHop("localhost"));
        assertNull(ClientAddress.parseHop("[::1"));
        assertNull(ClientAddress.parseHop("1.2.3.4:http"));
        assertNull(ClientAddress.parseHop("fe80::1%eth0"));
    }
}
