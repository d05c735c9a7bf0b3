package dev.palisade.guard.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.GuardConfig;
import dev.palisade.guard.GuardServer;
import dev.palisade.guard.flood.BanList;
import dev.palisade.guard.flood.FloodGate;
import dev.palisade.testing.RawClient;

/** PROXY protocol headers sent as raw bytes to a real listener; the gate decides on the real client. */
class ProxySocketTest {

    private GuardServer server;
    private FloodGate gate;

    @BeforeEach
    void start() throws Exception {
        GuardConfig.Gate cfg = new GuardConfig.Gate(true, 1, 100, 200, 100, List.of(), List.of(), null,
                Duration.ofSeconds(5), 1000, 64, Duration.ofSeconds(5));
        gate = new FloodGate(cfg, new BanList(GuardConfig.Bans.DEFAULTS, 64), null);
        server = new GuardServer(gate, true);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** Sends the bytes on a fresh connection; the server's one line, or null when it closed without one. */
    private String exchange(byte[] bytes) throws IOException {
        try (RawClient c = new RawClient(server.address().getPort())) {
            return c.send(bytes).readLine();
        }
    }

    @Test
    @Timeout(30)
    void v1HeaderGivesTheRealAddress() throws Exception {
        assertEquals("OK 198.51.100.7", exchange(ProxyHeaders.v1("PROXY TCP4 198.51.100.7 127.0.0.1 51000 80")));
    }

    @Test
    @Timeout(30)
    void v2HeaderGivesTheRealAddress() throws Exception {
        byte[] h = ProxyHeaders.v2Tcp4(new byte[] {(byte) 198, 51, 100, 8}, 51000, new byte[] {127, 0, 0, 1}, 80);
        assertEquals("OK 198.51.100.8", exchange(ProxyHeaders.concat(h, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    @Timeout(30)
    void gateCountsTheRealClientNotTheBalancer() throws Exception {
        // One connection per address: two clients behind the same balancer both get in.
        try (Socket a = new Socket(); Socket b = new Socket(); Socket c = new Socket()) {
            for (Socket s : List.of(a, b, c)) {
                s.setSoTimeout(5000);
                s.connect(server.address(), 5000);
            }
            a.getOutputStream().write(ProxyHeaders.v1("PROXY TCP4 198.51.100.10 127.0.0.1 1 80"));
            b.getOutputStream().write(ProxyHeaders.v1("PROXY TCP4 198.51.100.11 127.0.0.1 1 80"));
            c.getOutputStream().write(ProxyHeaders.v1("PROXY TCP4 198.51.100.10 127.0.0.1 2 80"));
            assertEquals('O', a.getInputStream().read());
            assertEquals('O', b.getInputStream().read());
            int third;
            try {
                third = c.getInputStream().read();
            } catch (SocketException e) {
                third = -1;
            }
            assertEquals(-1, third, "second connection of 198.51.100.10 is over its cap of one");
        }
        assertTrue(GuardServer.eventually(() -> gate.openConnections() == 0));
        assertEquals(0, gate.openConnections(InetAddress.getByName("127.0.0.1")));
    }

    @Test
    @Timeout(30)
    void garbageHeaderIsClosed() throws Exception {
        assertNull(exchange("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertNull(exchange(ProxyHeaders.v1("PROXY TCP4 not-an-ip 127.0.0.1 1 80")));
        assertEquals(0, gate.admitted());
    }
}
