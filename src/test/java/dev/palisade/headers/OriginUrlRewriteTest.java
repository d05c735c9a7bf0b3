package dev.palisade.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import dev.palisade.config.HostPort;
import dev.palisade.config.OriginGroupConfig;
import dev.palisade.pipeline.Exchange;

class OriginUrlRewriteTest {

    private final OriginUrlRewrite stage = new OriginUrlRewrite(List.of("app.origin.example", "*.corp.example"));

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @CsvFileSource(resources = "/OriginUrlRewriteTest/rows.psv", delimiter = '|', quoteCharacter = '`')
    void rewrites(String header, String in, String host, boolean tls, String origin, String out) {
        Exchange ex = Exchanges.get(host, tls, origin);
        ex.attrs().put(OriginUrlRewrite.GROUP_HOSTS, List.of("app1.internal"));
        TestHeaders h = new TestHeaders();
        h.add(header, in);
        stage.onResponse(ex, 302, h);
        assertEquals(List.of(out), h.getAll(header));
    }

    @Test
    void keepsOtherFieldsAndOrder() {
        Exchange ex = Exchanges.get("shop.example", true, "10.0.0.5:8080");
        TestHeaders h = TestHeaders.parse("Set-Cookie: a=1; Path=/ && Content-Type: text/html"
                + " && Set-Cookie: b=2; Domain=10.0.0.5; Secure && Set-Cookie: c=3; Max-Age=60 && Vary: Accept");
        stage.onResponse(ex, 200, h);
        assertEquals(List.of("a=1; Path=/", "b=2; Secure", "c=3; Max-Age=60"), h.getAll("set-cookie"));
        assertEquals("text/html", h.get("content-type"));
        assertEquals("Accept", h.get("vary"));
    }

    @Test
    void leavesUntouchedHeadersAlone() {
        Exchange ex = Exchanges.get("shop.example", false, "10.0.0.5:8080");
        TestHeaders h = TestHeaders.parse("Location: /a && Link: </b>; rel=next && Link: </c>; rel=prev");
        stage.onResponse(ex, 301, h);
        assertEquals(List.of("</b>; rel=next", "</c>; rel=prev"), h.getAll("link"));
        assertEquals("/a", h.get("location"));
    }

    @Test
    void groupHostsNameEveryServerAndTheHostHeader() {
        OriginGroupConfig g = new OriginGroupConfig("app", List.of(HostPort.parse("app1.internal:8080"),
                HostPort.parse("[fd00::7]:8080")), "App.Backend:8080", null);
        assertEquals(List.of("app1.internal", "fd00::7", "app.backend"), OriginUrlRewrite.groupHosts(g));
    }

    @Test
    void groupHeadersFeedBothStages() {
        OriginGroupConfig g = new OriginGroupConfig("app", List.of(HostPort.parse("app1.internal:8080")),
                "app.backend", null);
        Exchange ex = Exchanges.get("shop.example", true, "10.0.0.5:8080");
        GroupHeaders.of(g).apply(ex);
        TestHeaders up = TestHeaders.parse("Host: shop.example");
        new OriginHost().onUpstreamRequest(ex, up);
        assertEquals("app.backend", up.get("host"));
        TestHeaders down = TestHeaders.parse("Location: http://app.backend/a && Link: <http://app1.internal:8080/b>; rel=next");
        stage.onResponse(ex, 302, down);
        assertEquals("https://shop.example/a", down.get("location"));
        assertEquals("<https://shop.example/b>; rel=next", down.get("link"));

        Exchange keep = Exchanges.get("shop.example", true, "10.0.0.5:8080");
        GroupHeaders.of(OriginGroupConfig.of("plain", List.of(HostPort.parse("10.0.0.5:8080")))).apply(keep);
        TestHeaders same = TestHeaders.parse("Host: shop.example");
        new OriginHost().onUpstreamRequest(keep, same);
        assertEquals("shop.example", same.get("host"));
    }
}
