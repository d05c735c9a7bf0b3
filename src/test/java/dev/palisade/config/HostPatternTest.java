package dev.palisade.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The host patterns routes, rule exclusions and rate-limit scopes share. */
class HostPatternTest {

    @ParameterizedTest
    @CsvSource({
        "*, anything.example, true",
        "*, '', true",
        "a.example, a.example, true",
        "a.example, b.example, false",
        "a.example, x.a.example, false",
        "*.example.com, api.example.com, true",
        "*.example.com, a.b.example.com, true",
        "*.example.com, example.com, false",
        "*.example.com, .example.com, false",
        "*.example.com, badexample.com, false",
    })
    void wildcardTakesNamesBelowItsSuffixOnly(String pattern, String host, boolean expected) {
        assertEquals(expected, RouteConfig.hostMatches(pattern, host));
        assertEquals(expected, new RouteConfig("r", pattern, "/", "g").matches(host, "/x"));
    }
}
