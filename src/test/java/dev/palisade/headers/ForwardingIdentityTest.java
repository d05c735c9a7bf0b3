package dev.palisade.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import dev.palisade.config.Cidr;
import dev.palisade.config.ForwardingConfig;
import dev.palisade.config.HeadersConfig.ClientIdentity;
import dev.palisade.pipeline.Exchange;

class ForwardingIdentityTest {

    private static final List<Cidr> TRUSTED = List.of(Cidr.parse("10.9.0.0/16"), Cidr.parse("2001:db8:ffff::/48"));

    @ParameterizedTest(name = "[{index}] {0} {1} client {2} peer {3}")
    @CsvFileSource(resources = "/ForwardingIdentityTest/rows.psv", delimiter = '|', quoteCharacter = '`')
    void writesIdentity(String mode, String style, String client, String peer, boolean tls, String in, String out) {
        ForwardingConfig f = new ForwardingConfig(TRUSTED, ForwardingConfig.Style.valueOf(style.toUpperCase()));
        ForwardingIdentity stage = new ForwardingIdentity(ClientIdentity.valueOf(mode.toUpperCase()), f);
        TestHeaders h = TestHeaders.parse(in);
        Exchange ex = Exchanges.of("GET", client, tls, TestHeaders.parse(in), "10.0.0.5:8080");
        if (peer != null) {
            ex.attrs().put(ForwardingIdentity.PEER, Exchanges.address(peer));
        }
        stage.onUpstreamRequest(ex, h);
        assertEquals(TestHeaders.parse(out).normalized(), h.normalized());
    }
}
