package dev.palisade.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import dev.palisade.config.HeadersConfig.Security;

class SecurityHeadersTest {

    @ParameterizedTest(name = "[{index}] tls={0} override={1}")
    @CsvFileSource(resources = "/SecurityHeadersTest/rows.psv", delimiter = '|', quoteCharacter = '`')
    void adds(boolean tls, boolean override, String in, String out) {
        Security s = new Security("nosniff", "sameorigin",
                "strict-origin-when-cross-origin", "default-src 'self'", "geolocation=()", override);
        TestHeaders h = TestHeaders.parse(in);
        new SecurityHeaders(s).onResponse(Exchanges.get("shop.example", tls, "10.0.0.5:8080"), 200, h);
        assertEquals(TestHeaders.parse(out).normalized(), h.normalized());
    }

    @Test
    void nothingConfiguredAddsNothing() {
        assertFalse(SecurityHeaders.any(Security.NONE));
        assertTrue(SecurityHeaders.any(new Security("nosniff", "", "", "", "", false)));
    }
}
