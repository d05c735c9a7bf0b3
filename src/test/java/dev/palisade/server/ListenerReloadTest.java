package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.ConfigException;
import dev.palisade.config.HostPort;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.config.TlsConfig;
import dev.palisade.testing.RawClient;
import dev.palisade.testing.TestOrigin;
import dev.palisade.testing.TrustEverything;
import dev.palisade.tls.SelfSignedCertificates;

/**
 * A reload applies the proxy listeners of the new file, the way nginx applies a changed {@code listen}: a
 * new listener starts accepting, a removed one stops accepting while its open connections finish, a moved
 * one moves, a TLS listener can be added, and an address that cannot be bound refuses the whole reload.
 */
@Timeout(60)
class ListenerReloadTest {

    private static final HostPort ANY_PORT = new HostPort("127.0.0.1", 0);

    private static PalisadeConfig config(TestOrigin origin, List<ListenerConfig> listeners) {
        return PalisadeConfig.simple(ANY_PORT, List.of(origin.hostPort())).withListeners(listeners);
    }

    private static String get(int port, String path) throws IOException {
        try (RawClient c = new RawClient(port)) {
            return c.send("GET " + path + " HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n").readUntilClose();
        }
    }

    private static boolean refusesConnections(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void anAddedListenerAcceptsAndARemovedOneStopsWhileItsOpenConnectionFinishes() throws Exception {
        try (TestOrigin origin = new TestOrigin("a");
             PalisadeServer proxy = PalisadeServer.start(config(origin, List.of(ListenerConfig.plain("http", ANY_PORT))))) {
            int http = proxy.port("http");
            proxy.reload(config(origin, List.of(ListenerConfig.plain("http", ANY_PORT), ListenerConfig.plain("extra", ANY_PORT))));
            assertEquals(http, proxy.port("http"), "an unchanged listener keeps its socket");
            int extra = proxy.port("extra");
            assertTrue(get(extra, "/added").startsWith("HTTP/1.1 200"), "the added listener proxies");

            try (RawClient open = new RawClient(extra)) {
                open.send("GET /before HTTP/1.1\r\nHost: app.test\r\n\r\n");
                assertTrue(open.readResponse().startsWith("HTTP/1.1 200"));
                proxy.reload(config(origin, List.of(ListenerConfig.plain("http", ANY_PORT))));
                assertTrue(refusesConnections(extra), "the removed listener accepts no new connection");
                open.send("GET /after HTTP/1.1\r\nHost: app.test\r\n\r\n");
                assertTrue(open.readResponse().startsWith("HTTP/1.1 200"), "its open connection is still served");
            }
            assertThrows(IllegalArgumentException.class, () -> proxy.port("extra"));
            assertTrue(get(http, "/still").startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void aMovedListenerMovesAndABusyAddressRefusesTheWholeReload() throws Exception {
        try (TestOrigin origin = new TestOrigin("a");
             PalisadeServer proxy = PalisadeServer.start(config(origin, List.of(ListenerConfig.plain("http", ANY_PORT))))) {
            int before = proxy.port("http");
            proxy.reload(config(origin, List.of(ListenerConfig.plain("http", new HostPort("127.0.0.2", 0)))));
            InetSocketAddress moved = proxy.address("http");
            assertEquals("127.0.0.2", moved.getHostString());
            assertTrue(refusesConnections(before), "the old address is let go");
            try (Socket s = new Socket()) {
                s.connect(moved, 2000);
                s.getOutputStream().write("GET /moved HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n".getBytes());
                String answer = new String(s.getInputStream().readAllBytes());
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            }

            // a second listener on the address the first one holds: refused, and nothing changes
            int taken = moved.getPort();
            ConfigException e = assertThrows(ConfigException.class, () -> proxy.reload(config(origin, List.of(
                    ListenerConfig.plain("http", new HostPort("127.0.0.2", 0)),
                    ListenerConfig.plain("clash", new HostPort("127.0.0.2", taken))))));
            String message = e.getMessage();
            assertTrue(message.contains("listeners.clash.bind") && message.contains("address already in use")
                    && message.contains("the reload is refused"), message);
            assertThrows(IllegalArgumentException.class, () -> proxy.port("clash"));
            assertEquals(moved, proxy.address("http"));
        }
    }

    @Test
    void aTlsListenerCanBeAddedByAReload(@TempDir Path certs) throws Exception {
        SelfSignedCertificates.write(certs, List.of("localhost"), Duration.ofDays(1));
        try (TestOrigin origin = new TestOrigin("a");
             PalisadeServer proxy = PalisadeServer.start(config(origin, List.of(ListenerConfig.plain("http", ANY_PORT))))) {
            proxy.reload(config(origin, List.of(ListenerConfig.plain("http", ANY_PORT),
                    new ListenerConfig("https", ANY_PORT, false, new TlsConfig(certs, false, true)))));
            try (SSLSocket s = (SSLSocket) TrustEverything.context().getSocketFactory().createSocket("127.0.0.1", proxy.port("https"))) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET /tls HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes());
                String answer = new String(s.getInputStream().readAllBytes());
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                assertFalse(s.getSession().getProtocol().isEmpty());
            }
        }
    }
}
