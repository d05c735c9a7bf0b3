package dev.palisade.guard.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.GuardConfig;
import dev.palisade.guard.GuardServer;
import dev.palisade.testing.RawClient;

/** The gate on real sockets; clients bind to distinct loopback addresses to act as distinct hosts. */
class GateSocketTest {

    private final List<Socket> sockets = new ArrayList<>();
    private GuardServer server;

    @AfterEach
    void close() throws Exception {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        if (server != null) {
            server.close();
        }
    }

    private FloodGate start(GuardConfig.Gate gate, GuardConfig.Bans bans) throws Exception {
        FloodGate g = new FloodGate(gate, new BanList(bans, gate.ipv6Prefix()), null);
        server = new GuardServer(g, false);
        return g;
    }

    /** Connects from {@code from}; a reset that arrives while connecting leaves a closed socket. */
    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.setSoTimeout(5000);
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        try {
            s.connect(server.address(), 5000);
        } catch (SocketException e) {
            s.close();
        }
        return s;
    }

    /** The line the server sent, or null when it reset or closed the connection without one. */
    private static String greeting(Socket s) throws IOException {
        return RawClient.readLine(s);
    }

    private static GuardConfig.Gate gate(int perAddress) {
        return new GuardConfig.Gate(true, perAddress, 1000, 2000, 10_000, List.of(), List.of(), null, Duration.ofSeconds(5),
                10_000, 64, Duration.ofSeconds(5));
    }

    @Test
    @Timeout(30)
    void perAddressCapOnOneAddressLeavesAnotherConnecting() throws Exception {
        FloodGate g = start(gate(5), GuardConfig.Bans.DEFAULTS);
        List<Socket> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Socket s = connect("127.0.0.2");
            assertEquals("OK 127.0.0.2", greeting(s));
            mine.add(s);
        }
        assertNull(greeting(connect("127.0.0.2")), "sixth connection from the same address is reset");
        assertEquals("OK 127.0.0.3", greeting(connect("127.0.0.3")));

        mine.get(0).close();
        InetAddress two = InetAddress.getByName("127.0.0.2");
        assertTrue(GuardServer.eventually(() -> g.openConnections(two) == 4), "released on close");
        assertEquals("OK 127.0.0.2", greeting(connect("127.0.0.2")));
        assertEquals(1, g.refused(FloodGate.Refusal.PER_ADDRESS));
    }

    @Test
    @Timeout(30)
    void bannedAddressIsResetAtOnce() throws Exception {
        FloodGate g = start(gate(100), GuardConfig.Bans.DEFAULTS);
        g.bans().ban(InetAddress.getByName("127.0.0.4"), Duration.ofMinutes(5), "test");
        assertNull(greeting(connect("127.0.0.4")));
        assertEquals("OK 127.0.0.5", greeting(connect("127.0.0.5")));
        assertEquals(1, g.refused(FloodGate.Refusal.BANNED));
        assertTrue(GuardServer.eventually(() -> g.openConnections() == 1));
        assertEquals(1, server.pipelines(), "the banned connection was reset as it was accepted, before any pipeline");
    }

    @Test
    @Timeout(30)
    void deniedAddressIsResetAsItIsAcceptedAndCounted() throws Exception {
        GuardConfig.Gate denying = new GuardConfig.Gate(true, 100, 1000, 2000, 10_000, List.of(),
                List.of(dev.palisade.config.Cidr.parse("127.0.0.9/32")), null, Duration.ofSeconds(5), 10_000, 64,
                Duration.ofSeconds(5));
        FloodGate g = start(denying, GuardConfig.Bans.DEFAULTS);
        for (int i = 0; i < 3; i++) {
            assertNull(greeting(connect("127.0.0.9")), "denied: reset");
        }
        assertEquals("OK 127.0.0.10", greeting(connect("127.0.0.10")));
        assertEquals(3, g.refused(FloodGate.Refusal.DENIED));
        assertEquals(1, server.pipelines(), "only the admitted connection got a pipeline");
        assertEquals(0, g.bans().violations(), "a denied address is refused, not counted toward a ban");
    }

    @Test
    @Timeout(120)
    void floodingAddressIsBannedWhileAnotherKeepsBeingServed() throws Exception {
        FloodGate g = start(GuardConfig.Gate.DEFAULTS, GuardConfig.Bans.DEFAULTS);
        InetAddress flooder = InetAddress.getByName("127.0.0.6");
        int opened = 0;
        int served = 0;
        for (int i = 0; i < 2000; i++) {
            connect("127.0.0.6");
            opened++;
            if (i % 100 == 0) {
                Socket good = connect("127.0.0.7");
                assertEquals("OK 127.0.0.7", greeting(good));
                good.close();
                served++;
            }
        }
        assertTrue(GuardServer.eventually(() -> g.bans().isBanned(flooder)), "banned after " + opened + " connections");
        assertTrue(GuardServer.eventually(() -> g.refused(FloodGate.Refusal.BANNED) > 1000),
                "after the ban, the flood is reset at the gate");
        assertTrue(g.trackedAddresses() <= 2, "one bucket per address: " + g.trackedAddresses());
        assertTrue(g.refused() >= GuardConfig.Bans.DEFAULTS.afterViolations());
        assertTrue(g.openConnections(flooder) <= GuardConfig.Gate.DEFAULTS.maxConnectionsPerAddress());
        assertNull(greeting(connect("127.0.0.6")), "a banned address is reset");
        assertEquals("OK 127.0.0.7", greeting(connect("127.0.0.7")));
        assertTrue(served >= 1);

        for (Socket s : sockets) {
            s.close();
        }
        assertTrue(GuardServer.eventually(() -> g.openConnections() == 0), "every admitted connection released: "
                + g.openConnections());
        assertEquals(0, g.addressesWithOpenConnections());
    }

    @Test
    @Timeout(30)
    void greetingIsPlainAscii() throws Exception {
        start(gate(10), GuardConfig.Bans.DEFAULTS);
        Socket s = connect("127.0.0.8");
        byte[] buf = s.getInputStream().readNBytes(13);
        assertEquals("OK 127.0.0.8\n", new String(buf, StandardCharsets.US_ASCII));
    }
}
