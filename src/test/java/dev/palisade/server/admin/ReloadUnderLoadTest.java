package dev.palisade.server.admin;

import static dev.palisade.server.admin.AdminServerTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.ConfigLoader;
import dev.palisade.observe.MiniJson;
import dev.palisade.server.PalisadeServer;
import dev.palisade.testing.RawClient;
import dev.palisade.testing.TestOrigin;

/**
 * Reload under load, through {@code POST /admin/reload}: while one client sends a steady stream on one
 * keep-alive connection and another opens a new connection per request, the config file is rewritten and
 * reloaded 20 times, alternating a good file (a new {@code headers.server} name, so the change is visible in
 * every response) and a broken one (an unknown key, or a rule file that does not parse). No request may fail,
 * every broken file is refused with 422, every good one takes effect, and a request in flight across a
 * reload finishes on the generation it started with.
 */
@Timeout(120)
class ReloadUnderLoadTest {

    private static final String TOKEN = AdminServerTest.TOKEN;
    private static final Pattern SERVER = Pattern.compile("(?im)^server: *([^\\r\\n]+)");

    private TestOrigin origin;
    private PalisadeServer proxy;
    private final ExecutorService clients = Executors.newFixedThreadPool(3);

    @AfterEach
    void stop() throws InterruptedException {
        clients.shutdownNow();
        clients.awaitTermination(10, TimeUnit.SECONDS);
        if (proxy != null) {
            proxy.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private String config(Path rules, String server, String extra) {
        return "listeners:\n  - name: http\n    bind: 127.0.0.1:0\norigins:\n  app:\n    servers: [" + origin.hostPort()
                + "]\nrules:\n  dir: " + rules + "\nheaders:\n  server: " + server + "\nadmin:\n  bind: 127.0.0.1:0\n"
                + "  token: " + TOKEN + "\n"
                // the new-connection client opens connections as fast as the machine lets it, from one address:
                // the gate's per-address rate (200/s, burst 400 by default) is not what this test is about
                + "guard:\n  gate:\n    new_connections_per_second: 100000\n    new_connections_burst: 100000\n" + extra;
    }

    private static String server(String response) {
        Matcher m = SERVER.matcher(response);
        return m.find() ? m.group(1) : "";
    }

    private static HttpResponse<String> reload(int admin) throws Exception {
        return call(admin, "POST", "/admin/reload", TOKEN);
    }

    /** Sends requests until told to stop, on one keep-alive connection or on a new connection each. */
    private static Callable<Void> client(int port, boolean keepAlive, AtomicBoolean running, AtomicInteger sent,
                                         Queue<String> failures) {
        String kind = keepAlive ? "keep-alive" : "new connection";
        return () -> {
            RawClient c = null;
            try {
                for (int i = 0; running.get() && i < 100_000; i++) {
                    if (c == null) {
                        c = new RawClient(port);
                    }
                    String r = keepAlive ? c.send("GET /keep/" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()
                            : c.send("GET /new/" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClose();
                    sent.incrementAndGet();
                    if (!r.startsWith("HTTP/1.1 200")) {
                        failures.add(kind + ": " + r.lines().findFirst().orElse(""));
                    }
                    if (!keepAlive) {
                        c.close();
                        c = null;
                    }
                }
            } catch (IOException e) {
                failures.add(kind + ": " + e);
            } finally {
                if (c != null) {
                    c.close();
                }
            }
            return null;
        };
    }

    @Test
    void twentyReloadsWhileClientsSendRequestsFailNone(@TempDir Path dir) throws Exception {
        origin = new TestOrigin("a");
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Path good = rules.resolve("10-site.rules");
        Files.writeString(good, "rule 9101 \"blocked path\"\n  when path contains \"/never-sent\"\n  then block\n");
        Path file = dir.resolve("palisade.yaml");
        Files.writeString(file, config(rules, "gen-0", ""));
        proxy = PalisadeServer.start(ConfigLoader.load(file));
        int port = proxy.port("http");
        int admin = proxy.admin().port();

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Future<?> keepAlive = clients.submit(client(port, true, running, sent, failures));
        Future<?> fresh = clients.submit(client(port, false, running, sent, failures));

        int refused = 0;
        for (int round = 1; round <= 20; round++) {
            int before = sent.get();
            if (round % 2 == 1) {
                String name = "gen-" + round;
                // a request that is in flight while the reload happens: it keeps the generation it began on
                String previous;
                try (RawClient c = new RawClient(port)) {
                    previous = server(c.send("GET /probe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClose());
                }
                String slowPath = "/delay?ms=600&round=" + round;
                Future<String> inFlight = clients.submit(() -> {
                    try (RawClient c = new RawClient(port)) {
                        return c.send("GET " + slowPath + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClose();
                    }
                });
                // reload only once the origin has the request: it is in flight on the running generation
                long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (origin.received().stream().noneMatch(x -> x.uri().equals(slowPath)) && System.nanoTime() < wait) {
                    Thread.sleep(5);
                }
                // written only now: the rules directory is watched, and a reload it starts must not apply this
                // file before the in-flight request began
                Files.writeString(file, config(rules, name, ""));
                HttpResponse<String> r = reload(admin);
                assertEquals(200, r.statusCode(), "good file, round " + round + ": " + r.body());
                String slow = inFlight.get(20, TimeUnit.SECONDS);
                assertTrue(slow.startsWith("HTTP/1.1 200"), slow);
                assertEquals(previous, server(slow), "the in-flight request finished on its own generation");
                try (RawClient c = new RawClient(port)) {
                    String after = c.send("GET /check HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClose();
                    assertEquals(name, server(after), "the good file took effect, round " + round);
                }
            } else {
                boolean badRule = round % 4 == 0;
                if (badRule) {
                    Files.writeString(rules.resolve("20-broken.rules"), "rule 9102 \"broken\"\n  when nosuch contains \"x\"\n");
                } else {
                    Files.writeString(file, config(rules, "never-" + round, "no_such_section: 1\n"));
                }
                HttpResponse<String> r = reload(admin);
                assertEquals(422, r.statusCode(), "broken file, round " + round + ": " + r.body());
                Map<String, Object> j = MiniJson.object(r.body());
                assertTrue(((String) j.get("error")).contains(badRule ? "20-broken.rules" : "no_such_section"), r.body());
                refused++;
                Files.deleteIfExists(rules.resolve("20-broken.rules"));
                try (RawClient c = new RawClient(port)) {
                    String after = c.send("GET /check HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readUntilClose();
                    assertEquals("gen-" + (round - 1), server(after), "a refused file changes nothing, round " + round);
                }
            }
            // traffic kept flowing through the reload
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sent.get() < before + 20 && System.nanoTime() < until && failures.isEmpty()) {
                Thread.sleep(5);
            }
        }
        running.set(false);
        keepAlive.get(20, TimeUnit.SECONDS);
        fresh.get(20, TimeUnit.SECONDS);

        assertEquals(List.of(), List.copyOf(failures), "no request failed during the reloads");
        assertEquals(10, refused);
        assertTrue(sent.get() >= 400, "requests sent during the reloads: " + sent.get());
        String metrics = call(admin, "GET", "/metrics", null).body();
        assertTrue(metrics.contains("palisade_reloads_total{result=\"failed\"}"), metrics);
    }
}
