package dev.palisade.server.admin;

import static dev.palisade.server.admin.AdminServerTest.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.ConfigLoader;
import dev.palisade.observe.MiniJson;
import dev.palisade.server.PalisadeServer;
import dev.palisade.testing.Closing;
import dev.palisade.testing.FreePort;
import dev.palisade.testing.TestOrigin;

/**
 * A reload that changes {@code admin.bind} or {@code admin.enabled} is applied, the way nginx applies a new
 * {@code listen} on reload: the listener moves, and the connection that asked for the reload still gets its
 * answer. A new address that cannot be bound refuses the whole reload, with the reason in the answer.
 */
@Timeout(60)
class AdminReloadTest {

    private static final String TOKEN = AdminServerTest.TOKEN;

    private TestOrigin origin;
    private PalisadeServer proxy;

    @RegisterExtension
    final Closing closing = new Closing();


    private String config(String admin) {
        return "listeners:\n  - name: http\n    bind: 127.0.0.1:0\norigins:\n  app:\n    servers: [" + origin.hostPort()
                + "]\nadmin:\n" + admin;
    }

    private int startWith(Path file, String admin) throws Exception {
        origin = closing.add(new TestOrigin("a"));
        Files.writeString(file, config(admin));
        proxy = closing.add(PalisadeServer.start(ConfigLoader.load(file)));
        return proxy.admin().port();
    }

    /**
     * Whether the port still accepts, asked until it does not for up to 5 s: with NIO, the socket of a closed
     * listener is released at the event loop's next select, a moment after the close completes.
     */
    private static boolean accepts(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
            } catch (IOException e) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Test
    void aNewBindMovesTheListenerAndTheCallerStillGetsItsAnswer(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("palisade.yaml");
        int before = startWith(file, "  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n");
        int after = FreePort.loopback();
        Files.writeString(file, config("  bind: 127.0.0.1:" + after + "\n  token: " + TOKEN + "\n"));

        HttpResponse<String> r = call(before, "POST", "/admin/reload", TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(after, proxy.admin().port());
        assertEquals(200, call(after, "GET", "/healthz", null).statusCode());
        assertTrue(!accepts(before), "the old admin address no longer accepts connections");
        assertEquals(200, call(proxy.port("http"), "GET", "/", null).statusCode(), "the proxy kept serving");
    }

    @Test
    void aBindInUseRefusesTheWholeReload(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("palisade.yaml");
        int admin = startWith(file, "  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            // the new config also changes the token: a refused reload must not take it
            Files.writeString(file, config("  bind: 127.0.0.1:" + taken.getLocalPort() + "\n  token: other-token-0123456789\n"));
            HttpResponse<String> r = call(admin, "POST", "/admin/reload", TOKEN);
            assertEquals(422, r.statusCode(), r.body());
            Map<String, Object> j = MiniJson.object(r.body());
            assertEquals(false, j.get("reloaded"));
            String error = (String) j.get("error");
            assertTrue(error.contains("admin.bind") && error.contains("address already in use")
                    && error.contains("stays on"), error);
            assertTrue(error.contains(file.toString()), "names the file: " + error);
        }
        assertEquals(admin, proxy.admin().port(), "still on the old address");
        assertEquals(200, call(admin, "GET", "/admin/rules", TOKEN).statusCode(), "the old token still works");
        assertEquals(401, call(admin, "GET", "/admin/rules", "other-token-0123456789").statusCode());
    }

    @Test
    void disablingClosesTheListenerAndEnablingOpensItAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("palisade.yaml");
        int admin = startWith(file, "  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n");
        Files.writeString(file, config("  enabled: false\n"));
        HttpResponse<String> r = call(admin, "POST", "/admin/reload", TOKEN);
        assertEquals(200, r.statusCode(), "answered on the connection that asked: " + r.body());
        assertNull(proxy.admin());
        assertTrue(!accepts(admin), "disabled: nothing listens on the admin address");

        Files.writeString(file, config("  bind: 127.0.0.1:0\n  token: " + TOKEN + "\n"));
        proxy.reload(ConfigLoader.load(file));
        assertNotNull(proxy.admin());
        assertEquals(200, call(proxy.admin().port(), "GET", "/healthz", null).statusCode());
    }

    @Test
    void startingWithoutAdminAndReloadingWithABusyPortIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("palisade.yaml");
        origin = closing.add(new TestOrigin("a"));
        Files.writeString(file, config("  enabled: false\n"));
        proxy = closing.add(PalisadeServer.start(ConfigLoader.load(file)));
        assertNull(proxy.admin());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Files.writeString(file, config("  bind: 127.0.0.1:" + taken.getLocalPort() + "\n  token: " + TOKEN + "\n"));
            dev.palisade.config.ConfigException e = assertThrows(dev.palisade.config.ConfigException.class,
                    () -> proxy.reload(ConfigLoader.load(file)));
            assertTrue(e.getMessage().contains("admin.bind"), e.getMessage());
        }
        assertNull(proxy.admin());
    }
}
