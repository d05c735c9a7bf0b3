package dev.palisade.guard.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {

    @ParameterizedTest
    @CsvSource({
            "/login, /login",
            "/, /",
            "'', /",
            "/%6cogin, /login",
            "/%6Cogin, /login",
            "//login, /login",
            "/a/./login, /a/login",
            "/a/../login, /login",
            "/../../login, /login",
            "/%2e%2e/login, /login",
            "/login;jsessionid=1, /login",
            "\\login, /login",
            "/api/, /api/",
            "/api/x/.., /api/",
            "/a%2fb, /a%2fb",
            "/%zz, /%zz",
    })
    void normalizes(String raw, String expected) {
        assertEquals(expected, PathNormalizer.normalize(raw));
    }
}
