package dev.palisade.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import dev.palisade.pipeline.Exchange;

class HopByHopTest {

    private final HopByHop stage = new HopByHop();

    @ParameterizedTest(name = "[{index}] {0} {3}")
    @CsvFileSource(resources = "/HopByHopTest/rows.psv", delimiter = '|', quoteCharacter = '`')
    void removesHopByHop(String direction, int status, boolean websocket, String in, String out) {
        TestHeaders h = TestHeaders.parse(in);
        Exchange ex = Exchanges.of("GET", "198.51.100.7", false, TestHeaders.parse(in), "10.0.0.5:8080");
        if (websocket) {
            ex.attrs().put(HopByHop.WEBSOCKET, true);
        }
        if (direction.equals("request")) {
            stage.onUpstreamRequest(ex, h);
        } else {
            stage.onResponse(ex, status, h);
        }
        assertEquals(TestHeaders.parse(out).normalized(), h.normalized());
    }

    @Test
    void connectionCannotUnframeABody() {
        TestHeaders h = TestHeaders.parse("Host: a.example && Connection: keep-alive, Content-Length, Host"
                + " && Content-Length: 36");
        HopByHop.stripRequest(h);
        assertEquals(TestHeaders.parse("Host: a.example && Content-Length: 36").normalized(), h.normalized());
        TestHeaders r = TestHeaders.parse("Connection: Content-Length, X-Node && Content-Length: 5 && X-Node: n");
        HopByHop.stripResponse(r);
        assertEquals(TestHeaders.parse("Content-Length: 5").normalized(), r.normalized());
    }
}
