package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.palisade.config.ConfigLoader;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.testing.RawClient;
import dev.palisade.testing.TestOrigin;

/** What the origin learns about the client in each identity mode, with spoofed headers sent by an untrusted peer. */
@Timeout(60)
class ClientIdentityTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"forward, 127.0.0.1", "truncate, 127.0.0.0", "drop, ''"})
    void theOriginSeesOnlyWhatTheModeAllows(String mode, String expectedFor) throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            PalisadeConfig cfg = ConfigLoader.parse("""
                    listeners:
                      - name: http
                        bind: 127.0.0.1:0
                    origins:
                      app:
                        servers: [127.0.0.1:%d]
                    headers:
                      client_identity: %s
                    admin:
                      enabled: false
                    """.formatted(origin.port(), mode), "test.yaml", null, Path.of("."));
            try (PalisadeServer proxy = PalisadeServer.start(cfg); RawClient c = new RawClient(proxy.port("http"))) {
                String resp = c.send("GET /who HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: Mozilla/5.0\r\n"
                        + "X-Forwarded-For: 6.6.6.6\r\nForwarded: for=6.6.6.6;proto=https\r\nX-Real-IP: 6.6.6.6\r\n"
                        + "Via: 1.1 evil\r\nTrue-Client-IP: 6.6.6.6\r\n\r\n").readResponse();
                assertTrue(resp.startsWith("HTTP/1.1 200"), resp);
            }
            var h = origin.received().get(0).headers();
            for (String name : new String[] {"X-Forwarded-For", "Forwarded", "X-Real-IP", "Via", "True-Client-IP"}) {
                String v = h.get(name);
                assertFalse(v != null && v.contains("6.6.6.6") || v != null && v.contains("evil"), name + ": " + v);
            }
            assertNull(h.get("X-Real-IP"));
            assertEquals("http", h.get("X-Forwarded-Proto"));
            assertEquals("shop.example", h.get("X-Forwarded-Host"));
            if (expectedFor.isEmpty()) {
                assertNull(h.get("X-Forwarded-For"), "drop: no client address reaches the origin");
                assertFalse(String.valueOf(h.get("Forwarded")).contains("for="), h.get("Forwarded"));
            } else {
                assertEquals(expectedFor, h.get("X-Forwarded-For"));
                assertTrue(h.get("Forwarded").contains("for=" + expectedFor), h.get("Forwarded"));
            }
        }
    }
}
