package dev.palisade.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.palisade.config.Cidr;
import dev.palisade.config.ForwardingConfig;
import dev.palisade.config.HeadersConfig;
import dev.palisade.config.HeadersConfig.ClientIdentity;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.ProxyFlow;
import dev.palisade.pipeline.ResponseStage;
import dev.palisade.pipeline.UpstreamRequestStage;
import dev.palisade.pipeline.Verdict;

/** The factories' stage lists run together, in order, through the pipeline runner. */
class HeaderPoliciesTest {

    private static final HeadersConfig CONFIG = new HeadersConfig("palisade", List.of(), List.of(),
            List.of("X-Debug"), ClientIdentity.FORWARD, List.of("*.corp.example"), List.of(),
            new HeadersConfig.Security("nosniff", "", "", "", "", false),
            HeadersConfig.ErrorPageSettings.DEFAULTS);

    private final ProxyFlow flow = new ProxyFlow(HeaderPolicies.request(CONFIG),
            HeaderPolicies.upstream(CONFIG, ForwardingConfig.of(List.of(Cidr.parse("10.9.0.0/16")))),
            HeaderPolicies.response(CONFIG), List.of());

    @Test
    void noResponseHeaderGivesTheOriginAway() throws IOException {
        List<String> tokens = lines("leak-tokens.txt");
        for (boolean tls : new boolean[] {false, true}) {
            Exchange ex = Exchanges.get("shop.example", tls, "10.0.0.5:8080");
            ex.attrs().put(OriginUrlRewrite.GROUP_HOSTS, List.of("app1.internal", "backend.corp.example"));
            TestHeaders h = TestHeaders.parse(String.join("&&", lines("leaky-response.txt")));
            flow.onResponse(ex, 302, h);
            for (Map.Entry<String, String> e : h) {
                String field = (e.getKey() + ": " + e.getValue()).toLowerCase(Locale.ROOT);
                for (String t : tokens) {
                    assertFalse(field.contains(t), "'" + t + "' leaks in " + field);
                }
            }
            String scheme = tls ? "https" : "http";
            assertEquals(scheme + "://shop.example/account?next=%2F", h.get("location"));
            assertEquals("text/html; charset=utf-8", h.get("content-type"));
            assertEquals("no-store", h.get("cache-control"));
            assertEquals("palisade", h.get("server"));
            assertEquals("nosniff", h.get("x-content-type-options"));
            // HSTS belongs to the TLS listener (tls.hsts_max_age), which the server adds; the header policy never does
            assertFalse(h.contains("strict-transport-security"));
        }
    }

    @Test
    void cookiesKeepTheirOtherAttributes() throws IOException {
        Exchange ex = Exchanges.get("shop.example", true, "10.0.0.5:8080");
        ex.attrs().put(OriginUrlRewrite.GROUP_HOSTS, List.of("app1.internal"));
        TestHeaders h = TestHeaders.parse(String.join("&&", lines("leaky-response.txt")));
        flow.onResponse(ex, 200, h);
        assertEquals(List.of("sid=abc; Path=/; HttpOnly", "pref=dark; Max-Age=3600", "lb=7; Secure"),
                h.getAll("set-cookie"));
    }

    @Test
    void spoofedRequestHeadersNeverReachTheOrigin() throws IOException {
        TestHeaders h = TestHeaders.parse(String.join("&&", lines("spoofed-request.txt")));
        Exchange ex = Exchanges.of("POST", "203.0.113.9", true, TestHeaders.parse(String.join("&&",
                lines("spoofed-request.txt"))), "10.0.0.5:8080");
        ex.attrs().put(OriginHost.HOST, "app.backend");
        assertTrue(flow.onRequest(ex) instanceof Verdict.Continue);
        flow.onUpstreamRequest(ex, h);
        List<String> expected = List.of("accept: text/html", "cookie: a=1", "forwarded: for=203.0.113.9;proto=https;host=shop.example",
                "host: app.backend", "x-forwarded-for: 203.0.113.9", "x-forwarded-host: shop.example",
                "x-forwarded-port: 443", "x-forwarded-proto: https", "x-request-id: " + Exchanges.REQUEST_ID);
        assertEquals(expected, h.normalized());
    }

    @Test
    void traceIsRefusedAndServerErrorsReplaced() {
        Exchange ex = Exchanges.of("TRACE", "203.0.113.9", false, TestHeaders.parse("Host: shop.example"), "");
        Verdict v = flow.onRequest(ex);
        assertEquals(405, ((Verdict.Respond) v).status());
        Exchange ok = Exchanges.get("shop.example", false, "10.0.0.5:8080");
        assertTrue(flow.replaceBody(ok, 500));
        assertTrue(flow.replaceBody(ok, 503));
        assertFalse(flow.replaceBody(ok, 404));
        assertFalse(flow.replaceBody(ok, 200));
    }

    @Test
    void palisadesOwnPageSurvivesTheResponseStages() {
        Exchange ex = Exchanges.get("shop.example", true, "");
        TestHeaders h = TestHeaders.parse("Content-Type: text/html; charset=utf-8 && Content-Length: 180"
                + " && Cache-Control: no-store && X-Content-Type-Options: nosniff && X-Request-Id: r1"
                + " && Retry-After: 5 && Server: palisade && Connection: close");
        flow.onResponse(ex, 503, h);
        assertEquals(List.of("cache-control: no-store", "content-length: 180", "content-type: text/html; charset=utf-8",
                "retry-after: 5", "server: palisade",
                "x-content-type-options: nosniff", "x-request-id: r1"), h.normalized());
    }

    @Test
    void stagesComeInTheDocumentedOrder() {
        List<String> up = new ArrayList<>();
        for (UpstreamRequestStage s : HeaderPolicies.upstream(CONFIG, ForwardingConfig.DEFAULTS)) {
            up.add(s.getClass().getSimpleName());
        }
        assertEquals(List.of("HopByHop", "StripRequestHeaders", "OriginHost", "ForwardingIdentity"), up);
        List<String> down = new ArrayList<>();
        for (ResponseStage s : HeaderPolicies.response(HeadersConfig.DEFAULTS)) {
            down.add(s.getClass().getSimpleName());
        }
        assertEquals(List.of("HopByHop", "HideOrigin", "OriginUrlRewrite", "ErrorPageReplacement"), down);
    }

    private static List<String> lines(String name) throws IOException {
        try (InputStream in = HeaderPoliciesTest.class.getResourceAsStream("/HeaderPoliciesTest/" + name)) {
            List<String> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    out.add(l.strip());
                }
            }
            return out;
        }
    }
}
