package dev.palisade.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.ConfigLoader;
import dev.palisade.server.PalisadeServer;
import dev.palisade.testing.Closing;
import dev.palisade.testing.TestOrigin;

/**
 * Full stack: an origin that never answers, with a cap of 10 pending requests; the eleventh request is
 * refused with 503 at once instead of queueing behind the stuck ones.
 */
@Timeout(30)
class CircuitBreakerTest {

    private TestOrigin origin;
    private PalisadeServer proxy;

    @RegisterExtension
    final Closing closing = new Closing();


    @Test
    void theEleventhPendingRequestGets503AtOnce() throws Exception {
        origin = closing.add(new TestOrigin("stuck"));
        String yaml = """
                listeners:
                  - name: http
                    bind: 127.0.0.1:0
                origins:
                  app:
                    servers: [%s]
                    limits: {max_pending: 10}
                    timeouts: {response_header: 60s}
                log:
                  access: off
                admin: {enabled: false}
                """.formatted(origin.hostPort());
        proxy = closing.add(PalisadeServer.start(ConfigLoader.parse(yaml, "palisade.yaml", null, Path.of("."))));
        String base = "http://127.0.0.1:" + proxy.port("http");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> stuck = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            stuck.add(http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/slow")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        while (origin.received().size() < 10) {
            Thread.sleep(5);
        }
        HttpResponse<String> eleventh = http.send(HttpRequest.newBuilder(URI.create(base + "/slow")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, eleventh.statusCode());
        assertEquals(10, origin.received().size(), "the refused request never reached the origin");
        stuck.forEach(f -> f.cancel(true));
    }
}
