package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.HostPort;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.config.TimeoutsConfig;
import dev.palisade.testing.Closing;
import dev.palisade.testing.RawClient;
import dev.palisade.testing.TestOrigin;

/** Full stack: a real Palisade on port 0 in front of real Netty origins, real clients. */
@Timeout(60)
class ProxyTest {

    private TestOrigin origin;
    private TestOrigin origin2;
    private PalisadeServer proxy;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private int start(PalisadeConfig cfg) throws Exception {
        proxy = closing.add(PalisadeServer.start(cfg));
        return proxy.port("http");
    }

    /** One origin, the given client header, connect and response header timeouts, the other timeouts' defaults. */
    private int startWithTimeouts(Duration clientHeader, Duration connect, Duration responseHeader) throws Exception {
        origin = closing.add(new TestOrigin());
        TimeoutsConfig d = TimeoutsConfig.DEFAULTS;
        return start(PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(origin.hostPort()))
                .withTimeouts(new TimeoutsConfig(clientHeader, d.clientIdle(), connect, responseHeader, d.originIdle(),
                        Duration.ofSeconds(1))));
    }

    private int startOne() throws Exception {
        origin = closing.add(new TestOrigin("a"));
        return start(PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(origin.hostPort())));
    }

    @RegisterExtension
    final Closing closing = new Closing();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void forwardsAndSetsRequestId() throws Exception {
        int port = startOne();
        HttpResponse<String> r = get(port, "/hello?x=1");
        assertEquals(200, r.statusCode());
        assertEquals("ok /hello?x=1", r.body());
        TestOrigin.Received got = origin.received().get(0);
        assertEquals("GET", got.method());
        assertEquals(16, got.headers().get("X-Request-Id").length());
    }

    @Test
    void keepAliveReusesOneOriginConnection() throws Exception {
        int port = startOne();
        try (RawClient c = new RawClient(port)) {
            for (int i = 0; i < 20; i++) {
                String resp = c.send("GET /n" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                assertTrue(resp.startsWith("HTTP/1.1 200"), resp);
                assertTrue(resp.endsWith("ok /n" + i), resp);
            }
        }
        assertEquals(20, origin.received().size());
        assertEquals(1, origin.connections());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        int port = startOne();
        try (RawClient c = new RawClient(port)) {
            c.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\nPOST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            String all = c.readUntilClose();
            int one = all.indexOf("ok /one");
            int two = all.indexOf("ok /two");
            int three = all.indexOf("ok /three");
            assertTrue(one > 0 && two > one && three > two, all);
        }
        assertEquals(3, origin.received().get(1).bodyBytes());
    }

    @Test
    void hopByHopHeadersDoNotReachTheOrigin() throws Exception {
        int port = startOne();
        try (RawClient c = new RawClient(port)) {
            c.send("GET /h HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, X-Secret-Hop\r\nX-Secret-Hop: 1\r\n"
                    + "Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\n\r\n").readResponse();
        }
        var h = origin.received().get(0).headers();
        assertNull(h.get("X-Secret-Hop"));
        assertNull(h.get("Keep-Alive"));
        assertNull(h.get("TE"));
        assertNull(h.get("Proxy-Connection"));
        assertNull(h.get("Upgrade"), "h2c upgrade must not be passed on");
    }

    @Test
    void streamsLargeBodiesBothWays() throws Exception {
        int port = startOne();
        long size = 48L * 1024 * 1024;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[65536];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) i;
        }
        for (long done = 0; done < size; done += chunk.length) {
            sha.update(chunk);
        }
        HttpRequest up = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
                    long left = size;

                    @Override
                    public int read() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (left == 0) {
                            return -1;
                        }
                        int n = (int) Math.min(Math.min(len, left), chunk.length);
                        long pos = size - left;
                        for (int i = 0; i < n; i++) {
                            b[off + i] = chunk[(int) ((pos + i) % chunk.length)];
                        }
                        left -= n;
                        return n;
                    }
                })).build();
        HttpResponse<String> r = http.send(up, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        TestOrigin.Received got = origin.received().get(0);
        assertEquals(size, got.bodyBytes());
        assertEquals(HexFormat.of().formatHex(sha.digest()), got.bodySha256());
        assertEquals("chunked", got.headers().get("Transfer-Encoding"), "an unknown-length upload is re-framed as chunked");

        HttpResponse<InputStream> down = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/big?n=" + size)).build(), HttpResponse.BodyHandlers.ofInputStream());
        long count = 0;
        boolean patternOk = true;
        try (InputStream in = down.body()) {
            byte[] b = new byte[65536];
            int n;
            while ((n = in.read(b)) > 0) {
                for (int i = 0; i < n; i++) {
                    patternOk &= b[i] == (byte) ((count + i) & 0x7f);
                }
                count += n;
            }
        }
        assertEquals(size, count);
        assertTrue(patternOk, "downloaded bytes arrive in order and intact");
    }

    @Test
    void originDownGives502WithoutNamingIt() throws Exception {
        TestOrigin gone = new TestOrigin();
        HostPort dead = gone.hostPort();
        gone.close();
        int port = start(PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(dead)));
        HttpResponse<String> r = get(port, "/x");
        assertEquals(502, r.statusCode());
        assertFalse(r.body().contains(Integer.toString(dead.port())), r.body());
        assertFalse(r.body().contains("127.0.0.1"), r.body());
        assertTrue(r.body().contains(r.headers().firstValue("X-Request-Id").orElseThrow()));
    }

    @Test
    void slowOriginGives504() throws Exception {
        int port = startWithTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMillis(300));
        assertEquals(504, get(port, "/slow").statusCode());
        assertEquals(200, get(port, "/after").statusCode(), "the proxy keeps serving");
        // the response-head timer outlives each request on a kept-alive connection and still times the right one
        for (int i = 0; i < 3; i++) {
            assertEquals(200, get(port, "/delay?ms=20").statusCode());
        }
        assertEquals(504, get(port, "/slow").statusCode(), "a call after fast ones is timed as well");
        assertEquals(200, get(port, "/delay?ms=20").statusCode());
    }

    @Test
    void unfinishedHeadsAllGet408AtTheirDeadlineAndOthersAreStillServed() throws Exception {
        int port = startWithTimeouts(Duration.ofMillis(600), Duration.ofSeconds(5), Duration.ofSeconds(60));
        // opened within a few milliseconds, so their deadlines fall due together: many times one loop's budget
        // per millisecond, and every one of them is still answered
        List<RawClient> slow = new java.util.ArrayList<>();
        for (int i = 0; i < 120; i++) {
            slow.add(closing.add(new RawClient(port)).send("GET /never HTTP/1.1\r\nHost: x\r\nX-Trickle: 1\r\n"));
        }
        for (int i = 0; i < slow.size(); i++) {
            String r = slow.get(i).readUntilClose();
            assertTrue(r.startsWith("HTTP/1.1 408"), "client " + i + ": " + r);
        }
        assertEquals(200, get(port, "/after").statusCode());
        assertTrue(origin.received().stream().noneMatch(g -> g.uri().startsWith("/never")), "nothing unfinished reached the origin");
    }

    @Test
    void anUploadRefusedOnItsLengthIsReadAndDroppedNotReset() throws Exception {
        origin = closing.add(new TestOrigin());
        int port = start(PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(origin.hostPort()))
                .withLimits(new dev.palisade.config.LimitsConfig(8192, 16384, 100, 1024, 10_000)));
        byte[] chunk = new byte[16 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'b');
        try (RawClient c = new RawClient(port)) {
            c.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n");
            String r = c.readResponse();
            assertTrue(r.startsWith("HTTP/1.1 413"), r);
            // a client goes on sending the body it announced until it reads the answer: the proxy reads and drops
            // it for a while; closing with those bytes unread would make the kernel reset the connection (the
            // sends below would fail) and could throw an answer away before the client has read it
            for (int i = 0; i < 16; i++) {
                c.send(chunk);
                Thread.sleep(5);
            }
            assertEquals("", c.readUntilClose(), "the answer, then the end of the stream");
        }
        assertTrue(origin.received().isEmpty(), "nothing of the refused upload reached the origin");
    }

    @Test
    void originClosingWithoutAnswerGives502() throws Exception {
        int port = startOne();
        assertEquals(502, get(port, "/close").statusCode());
    }

    @Test
    void roundRobinAcrossServers() throws Exception {
        origin = closing.add(new TestOrigin("a"));
        origin2 = closing.add(new TestOrigin("b"));
        int port = start(PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(origin.hostPort(), origin2.hostPort())));
        for (int i = 0; i < 10; i++) {
            assertEquals(200, get(port, "/rr" + i).statusCode());
        }
        assertEquals(5, origin.received().size());
        assertEquals(5, origin2.received().size());
    }

    @Test
    void expectContinueIsAnsweredByTheProxy() throws Exception {
        int port = startOne();
        try (RawClient c = new RawClient(port)) {
            c.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            String interim = c.readResponse();
            assertTrue(interim.startsWith("HTTP/1.1 100 Continue"), interim);
            String fin = c.send("body").readResponse();
            assertTrue(fin.startsWith("HTTP/1.1 200"), fin);
        }
        assertNull(origin.received().get(0).headers().get("Expect"));
        assertEquals(4, origin.received().get(0).bodyBytes());
    }

    @Test
    void webSocketUpgradeOpensATunnelOnlyAfter101() throws Exception {
        int port = startOne();
        try (RawClient c = new RawClient(port)) {
            c.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            String head = c.readResponse();
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            c.send("raw frame bytes");
            assertEquals("raw frame bytes", c.readExactly(15), "bytes flow both ways through the tunnel");
        }
        assertEquals("websocket", origin.received().get(0).headers().get("Upgrade"));
    }

    @Test
    void ambiguousFramingIsRefusedAndNothingReachesTheOrigin() throws Exception {
        int port = startOne();
        for (String bad : List.of(
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
                "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
                "GET / HTTP/1.1\nHost: x\n\n",
                "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n",
                "GET / HTTP/1.1\r\nHost : x\r\n\r\n")) {
            try (RawClient c = new RawClient(port)) {
                String resp = c.send(bad).readUntilClose();
                assertTrue(resp.startsWith("HTTP/1.1 400"), bad + " -> " + resp);
            }
        }
        assertTrue(origin.received().isEmpty());
    }

    @Test
    void limitsGive414And431() throws Exception {
        int port = startOne();
        try (RawClient c = new RawClient(port)) {
            String resp = c.send("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n").readUntilClose();
            assertTrue(resp.startsWith("HTTP/1.1 414"), resp);
        }
        try (RawClient c = new RawClient(port)) {
            String resp = c.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20000) + "\r\n\r\n").readUntilClose();
            assertTrue(resp.startsWith("HTTP/1.1 431"), resp);
        }
        try (RawClient c = new RawClient(port)) {
            StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 150; i++) {
                sb.append("X-H").append(i).append(": v\r\n");
            }
            String resp = c.send(sb.append("\r\n").toString()).readUntilClose();
            assertTrue(resp.startsWith("HTTP/1.1 431"), resp);
        }
    }

    @Test
    void portInUseIsAClearError() throws Exception {
        startOne();
        int taken = proxy.port("http");
        PalisadeConfig again = PalisadeConfig.simple(new HostPort("127.0.0.1", taken), List.of(origin.hostPort()));
        StartException e = assertThrows(StartException.class, () -> PalisadeServer.start(again));
        assertTrue(e.getMessage().contains(Integer.toString(taken)), e.getMessage());
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
    }

    @Test
    void unknownHostWithRoutesGives404() throws Exception {
        origin = closing.add(new TestOrigin());
        PalisadeConfig cfg = new PalisadeConfig(null, List.of(ListenerConfig.plain("http", new HostPort("127.0.0.1", 0))),
                List.of(new dev.palisade.config.RouteConfig("only", "app.example", "/", "app")),
                Map.of("app", dev.palisade.config.OriginGroupConfig.of("app", List.of(origin.hostPort()))),
                null, null, null, null, null, null, null);
        int port = start(cfg);
        try (RawClient c = new RawClient(port)) {
            assertTrue(c.send("GET / HTTP/1.1\r\nHost: other.example\r\n\r\n").readResponse().startsWith("HTTP/1.1 404"));
            assertTrue(c.send("GET / HTTP/1.1\r\nHost: APP.example:80\r\n\r\n").readResponse().startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void connectionCannotNominateFramingHeaders() throws Exception {
        int port = startOne();
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        try (RawClient c = new RawClient(port)) {
            String resp = c.send("POST /a HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Content-Length\r\n"
                    + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled).readResponse();
            assertTrue(resp.startsWith("HTTP/1.1 200"), resp);
        }
        assertEquals(1, origin.received().size(), "the body must not become a second request");
        assertEquals(smuggled.length(), origin.received().get(0).bodyBytes());
    }

    @Test
    void forwardingHeadersComeFromTheRealPeerOnly() throws Exception {
        int port = startOne();
        try (RawClient c = new RawClient(port)) {
            c.send("GET /f HTTP/1.1\r\nHost: public.example\r\nX-Forwarded-For: 6.6.6.6\r\nForwarded: for=6.6.6.6\r\n"
                    + "X-Real-IP: 6.6.6.6\r\nX-Request-Id: forged\r\n\r\n").readResponse();
        }
        var h = origin.received().get(0).headers();
        assertEquals("127.0.0.1", h.get("X-Forwarded-For"));
        assertEquals("http", h.get("X-Forwarded-Proto"));
        assertEquals("public.example", h.get("X-Forwarded-Host"));
        assertFalse(h.get("Forwarded").contains("6.6.6.6"), h.get("Forwarded"));
        assertNull(h.get("X-Real-IP"));
        assertFalse("forged".equals(h.get("X-Request-Id")));
    }

    @Test
    void responsesDoNotGiveTheOriginAway() throws Exception {
        int port = startOne();
        try (RawClient c = new RawClient(port)) {
            String ok = c.send("GET /x HTTP/1.1\r\nHost: public.example\r\n\r\n").readResponse().toLowerCase();
            assertFalse(ok.contains("test-origin"), ok);
            assertFalse(ok.contains("x-powered-by"), ok);
            String redirect = c.send("GET /redirect HTTP/1.1\r\nHost: public.example\r\n\r\n").readResponse();
            assertTrue(redirect.contains("http://public.example/landing"), redirect);
            assertFalse(redirect.contains(Integer.toString(origin.port())), redirect);
            String error = c.send("GET /status/500 HTTP/1.1\r\nHost: public.example\r\n\r\n").readResponse();
            assertTrue(error.startsWith("HTTP/1.1 500"), error);
            assertFalse(error.contains("stack trace"), "the origin's error page is replaced: " + error);
            assertFalse(error.contains(Integer.toString(origin.port())), error);
            String after = c.send("GET /still HTTP/1.1\r\nHost: public.example\r\n\r\n").readResponse();
            assertTrue(after.endsWith("ok /still"), "the connection stays usable: " + after);
        }
    }

    @Test
    void traceIsRefused() throws Exception {
        int port = startOne();
        try (RawClient c = new RawClient(port)) {
            assertTrue(c.send("TRACE / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().startsWith("HTTP/1.1 405"));
        }
        assertTrue(origin.received().isEmpty());
    }
}
