package dev.palisade.headers;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.palisade.config.Cidr;
import dev.palisade.config.ForwardingConfig;
import dev.palisade.config.HeadersConfig;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.ProxyFlow;

/**
 * Header stages run inside the server's response path, where an exception would cost the response:
 * none may throw, whatever the client or the origin sends. Seeded, so a failure repeats.
 */
class HostileInputTest {

    private static final String[] PIECES = {"http://", "https://", "//", "ws://", "[", "]", ":", "/", "@", ";", ",",
        "=", "\"", "'", "<", ">", " ", ".", "\\", "%", "#", "?", "10.0.0.5", "8080", "app1.internal", "url=", "URL",
        "Domain=", "for=", "::", "ffff", "0", "9", "a", "Z", "-", "*", "\t", "é", "{{", "}}"};

    private static final String[] NAMES = {"Host", "Location", "Content-Location", "Refresh", "Link", "Set-Cookie",
        "X-Forwarded-For", "Forwarded", "Connection", "X-Real-IP", "WWW-Authenticate", "X-Note", "Server"};

    @Test
    void stagesNeverThrow() {
        HeadersConfig h = new HeadersConfig("palisade", List.of("x-a-*"), List.of(), List.of("x-b"),
                HeadersConfig.ClientIdentity.FORWARD, List.of("*.corp.example"), List.of(),
                new HeadersConfig.Security("nosniff", "DENY", "", "", "", false),
                HeadersConfig.ErrorPageSettings.DEFAULTS);
        ForwardingConfig f = ForwardingConfig.of(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0")));
        ProxyFlow[] flows = {
            new ProxyFlow(List.of(), HeaderPolicies.upstream(h, f), HeaderPolicies.response(h), List.of()),
            new ProxyFlow(List.of(), HeaderPolicies.upstream(h, ForwardingConfig.DEFAULTS),
                    HeaderPolicies.response(h), List.of())};
        Random random = new Random(20261127L);
        for (int i = 0; i < 5_000; i++) {
            TestHeaders req = random(random);
            TestHeaders resp = random(random);
            String origin = i % 3 == 0 ? "" : i % 3 == 1 ? "10.0.0.5:8080" : value(random);
            Exchange ex = Exchanges.of("GET", i % 2 == 0 ? "203.0.113.9" : "2001:db8::1", i % 4 < 2, req, origin);
            ProxyFlow flow = flows[i % 2];
            assertDoesNotThrow(() -> {
                flow.onUpstreamRequest(ex, random(new Random(random.nextLong())));
                flow.onResponse(ex, 200 + random.nextInt(400), resp);
                ErrorPages.render(500, value(random));
            }, () -> "request " + req + " response " + resp);
        }
    }

    @Test
    void addressesRoundTripThroughTheTextForm() {
        Random random = new Random(7L);
        for (int i = 0; i < 5_000; i++) {
            byte[] a = new byte[i % 2 == 0 ? 4 : 16];
            random.nextBytes(a);
            if (i % 5 == 0 && a.length == 16) {
                java.util.Arrays.fill(a, 2 + random.nextInt(8), 14, (byte) 0);
            }
            String text = Addresses.format(a);
            assertFalse(text.contains(":::"), text);
            byte[] back = Cidr.literal(text);
            if (!(a.length == 16 && isMapped(a))) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(a, back, text);
            }
        }
    }

    private static boolean isMapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static TestHeaders random(Random r) {
        TestHeaders h = new TestHeaders();
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            h.add(NAMES[r.nextInt(NAMES.length)], value(r));
        }
        return h;
    }

    private static String value(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            sb.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }
}
