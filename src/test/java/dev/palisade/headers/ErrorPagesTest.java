package dev.palisade.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.owasp.encoder.Encode;

class ErrorPagesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            400 | Bad Request
            403 | Forbidden
            405 | Method Not Allowed
            429 | Too Many Requests
            500 | Internal Server Error
            502 | Bad Gateway
            503 | Service Unavailable
            504 | Gateway Timeout
            599 | Server Error
            499 | Client Error
            """)
    void builtInPageShowsStatusReasonAndId(int status, String reason) {
        String page = ErrorPages.render(status, "req-7f3a");
        assertTrue(page.contains("<title>" + status + " " + reason + "</title>"), page);
        assertTrue(page.contains("<code>req-7f3a</code>"), page);
        assertEquals(reason, ErrorPages.reason(status));
    }

    @Test
    void hostileRequestIdIsEncoded() throws IOException {
        for (String id : fixture("hostile-ids.txt").split("\n")) {
            String page = ErrorPages.render(403, id);
            assertTrue(page.contains(Encode.forHtml(id)), page);
            assertFalse(page.contains(id) && !id.equals(Encode.forHtml(id)), page);
            assertFalse(page.contains("<script>") || page.contains("<img") || page.contains("<iframe"), page);
        }
    }

    @Test
    void customTemplateEncodesEverySubstitution() throws IOException {
        ErrorPages pages = ErrorPages.fromTemplate(fixture("custom.html"));
        String page = pages.page(502, "<script>x</script>\"");
        assertTrue(page.contains("<title>502 | Example Shop</title>"), page);
        assertTrue(page.contains("class=\"err-502\""), page);
        assertTrue(page.contains("<h1>Bad Gateway</h1>"), page);
        assertTrue(page.contains("<b>&lt;script&gt;x&lt;/script&gt;&#34;</b>"), page);
        assertTrue(page.contains("href=\"/?ref=&lt;script&gt;x&lt;/script&gt;&#34;\""), page);
        assertFalse(page.contains("{{"), page);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{origin}}", "<p>{{ cause }}</p>", "{{request_id}}{{upstream_addr}}"})
    void templateMayNotAskForAnythingElse(String template) {
        assertThrows(IllegalArgumentException.class, () -> ErrorPages.fromTemplate(template));
    }

    @Test
    void replacingTheBodyDropsTheOriginsRepresentationHeaders() {
        TestHeaders h = TestHeaders.parse("Content-Type: text/plain && Content-Length: 9000 && Content-Encoding: gzip"
                + " && ETag: \"x\" && Transfer-Encoding: chunked && Retry-After: 30 && Set-Cookie: a=1"
                + " && Strict-Transport-Security: max-age=60 && Content-Security-Policy: default-src 'none'");
        byte[] body = ErrorPages.render(503, "r1").getBytes(StandardCharsets.UTF_8);
        byte[] got = ErrorPages.of(dev.palisade.config.HeadersConfig.DEFAULTS).replace(h, 503, "r1");
        assertEquals(new String(body, StandardCharsets.UTF_8), new String(got, StandardCharsets.UTF_8));
        assertEquals(TestHeaders.parse("Content-Type: " + ErrorPages.CONTENT_TYPE + " && Content-Length: " + body.length
                + " && Cache-Control: no-store && X-Content-Type-Options: nosniff && Retry-After: 30 && Set-Cookie: a=1"
                + " && Strict-Transport-Security: max-age=60 && Content-Security-Policy: default-src 'none'").normalized(),
                h.normalized());
    }

    @Test
    void nullIdRendersEmpty() {
        assertTrue(ErrorPages.render(500, null).contains("<code></code>"));
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = ErrorPagesTest.class.getResourceAsStream("/ErrorPagesTest/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
