package dev.palisade.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.palisade.balance.OriginGroup;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.server.PalisadeServer;

/**
 * Full stack: a real Palisade in front of three origins under steady load; one is killed and later
 * revived. Needs the balancer wired into ProxyCall and ClientHandler (select, done/failed/end, retry) and
 * OriginServices started by PalisadeServer.
 */
@Timeout(60)
class FailoverTest {

    private final List<SwitchableOrigin> origins = new ArrayList<>();
    private PalisadeServer proxy;
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Logger groupLog = (Logger) LoggerFactory.getLogger(OriginGroup.class);

    @AfterEach
    void stop() {
        groupLog.detachAppender(events);
        if (proxy != null) {
            proxy.close();
        }
        origins.forEach(SwitchableOrigin::close);
    }

    private boolean logged(String text) {
        return events.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
    }

    @Test
    void killOneOfThreeUnderLoad() throws Exception {
        events.start();
        groupLog.addAppender(events);
        groupLog.setLevel(Level.INFO);
        for (int i = 0; i < 3; i++) {
            origins.add(new SwitchableOrigin());
        }
        SwitchableOrigin victim = origins.get(1);
        String yaml = """
                listeners:
                  - name: http
                    bind: 127.0.0.1:0
                origins:
                  app:
                    servers: [%s, %s, %s]
                    balance: round_robin
                    slow_start: 2s
                    health_check: {path: /health, interval: 100ms, timeout: 1s, rise: 2, fall: 2}
                    outlier: {consecutive_failures: 3, base_ejection: 30s, max_ejection: 5m}
                    retries: {attempts: 3, budget_percent: 20, min_per_second: 10}
                log:
                  access: off
                admin: {enabled: false}
                """.formatted(origins.get(0).hostPort(), victim.hostPort(), origins.get(2).hostPort());
        PalisadeConfig cfg = ConfigLoader.parse(yaml, "palisade.yaml", null, Path.of("."));
        proxy = PalisadeServer.start(cfg);
        URI uri = URI.create("http://127.0.0.1:" + proxy.port("http") + "/item");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> load = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            load.add(clients.submit(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200 && r.body().equals("ok")) {
                            ok.incrementAndGet();
                        } else {
                            errors.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                }
                return null;
            }));
        }
        try {
            while (victim.proxied.get() < 50) {
                Thread.sleep(5);
            }
            victim.kill();
            int atKill = ok.get();
            // taken out by the active checks (fall 2); outlier detection may have ejected it even sooner
            while (!logged("is down after")) {
                Thread.sleep(10);
            }
            while (ok.get() < atKill + 300) {
                Thread.sleep(5);
            }
            int beforeRevive = victim.proxied.get();
            victim.revive();
            while (!logged("is up after")) {
                Thread.sleep(10);
            }
            while (victim.proxied.get() < beforeRevive + 20) {
                Thread.sleep(5);
            }
        } finally {
            running.set(false);
            for (Future<?> f : load) {
                f.get();
            }
            clients.shutdown();
        }
        assertEquals(List.of(), errors, "no client saw an error");
        assertTrue(ok.get() > 400);
        assertTrue(origins.get(0).proxied.get() > 100 && origins.get(2).proxied.get() > 100);
    }
}
