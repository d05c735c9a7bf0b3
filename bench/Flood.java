import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounded connection-flood and slowloris driver for a listener on loopback. Run by bench/flood.sh as
 * {@code java bench/Flood.java --target 127.0.0.1:PORT ...} (single-file source launch, JDK 11+).
 *
 * <p>Two phases, one after the other, while a normal client on 127.0.0.1 sends one request on a new
 * connection every 200 ms and records whether it is answered:
 * <ol>
 *   <li>flood: opens {@code --flood} idle connections, {@code --rate} a second (0: as fast as it can),
 *       round-robin from {@code --sources} source addresses from 127.0.0.{@code --source-base} on
 *       (default 24 from 127.0.0.2: 127.0.0.2..127.0.0.25), closes each with a reset
 *       {@code --hold} seconds after it opened it (so a paced flood is a steady load for as long as it
 *       lasts), and counts how many the server accepted, closed (FIN) or reset, and how fast;</li>
 *   <li>slowloris: opens {@code --slowloris} connections from 25 source addresses from
 *       127.0.0.{@code --slowloris-base} on (default 26: 127.0.0.26..127.0.0.50), each sending
 *       an unfinished request head and one more header line every {@code --interval} seconds, for at
 *       most {@code --duration} seconds, and reports when the server cut them off.</li>
 * </ol>
 * Every count and every wait is bounded; the target must be a loopback address. One thread, one selector,
 * non-blocking sockets: the driver's own CPU time per phase is printed ({@code driver CPU}) and in the
 * {@code FLOOD_RESULT} line that bench/guard.sh reads, so a reader can see what the attack itself cost.
 */
public final class Flood {

    private static final int MAX_FLOOD = 100_000;
    private static final int MAX_SLOW = 5_000;
    private static final int MAX_SECONDS = 120;

    enum State { CONNECTING, OPEN, CLOSED, RESET, FAILED, HELD }

    static final class Conn {
        final SocketChannel ch;
        final String source;
        State state = State.CONNECTING;
        long openedNanos;
        long endedNanos;
        int headerLinesSent;
        long nextSendNanos;
        String firstResponseLine;

        Conn(SocketChannel ch, String source) {
            this.ch = ch;
            this.source = source;
        }
    }

    private static String host = "127.0.0.1";
    private static int port;
    private static String path = "/";
    private static int flood = 2000;
    private static int slow = 200;
    private static int holdSeconds = 5;
    private static int rate;
    private static int sources = 24;
    private static int sourceBase = 2;
    private static int slowBase = 26;
    private static int durationSeconds = 20;
    private static double intervalSeconds = 1.0;

    public static void main(String[] args) throws Exception {
        parse(args);
        InetAddress target = InetAddress.getByName(host);
        if (!target.isLoopbackAddress()) {
            die("the target must be a loopback address, got " + host);
        }
        System.out.printf(Locale.ROOT, "target %s:%d%s; flood %d connections held %d s, %s; slowloris %d connections, "
                + "a header line every %.1f s for at most %d s%n", host, port, path, flood, holdSeconds,
                rate == 0 ? "as fast as possible" : rate + "/s", slow,
                intervalSeconds, durationSeconds);

        Probe baseline = new Probe();
        for (int i = 0; i < 5; i++) {
            baseline.once();
        }
        System.out.println("normal client before:     " + baseline.summary());

        AtomicBoolean running = new AtomicBoolean(true);
        Probe during = new Probe();
        Thread prober = new Thread(() -> {
            long deadline = System.nanoTime() + (long) MAX_SECONDS * 2 * 1_000_000_000L;
            while (running.get() && System.nanoTime() < deadline) {
                during.once();
                sleepMillis(200);
            }
        }, "normal-client");
        prober.setDaemon(true);
        prober.start();

        if (flood > 0) {
            floodPhase();
        }
        if (slow > 0) {
            slowlorisPhase();
        }
        running.set(false);
        prober.join(5000);
        System.out.println("normal client during:     " + during.summary());

        sleepMillis(1000);
        Probe after = new Probe();
        for (int i = 0; i < 5; i++) {
            after.once();
        }
        System.out.println("normal client after:      " + after.summary());
    }

    // ---------------------------------------------------------------------------------------------

    private static void floodPhase() throws IOException {
        List<Conn> conns = new ArrayList<>(flood);
        ArrayDeque<Conn> held = new ArrayDeque<>();
        long holdNanos = holdSeconds * 1_000_000_000L;
        long start = System.nanoTime();
        long cpu = cpuNanos();
        long openedAll;
        try (Selector sel = Selector.open()) {
            int i = 0;
            while (i < flood) {
                long now = System.nanoTime();
                long due = rate == 0 ? flood : Math.min(flood, (now - start) * rate / 1_000_000_000L + 1);
                while (i < due) {
                    Conn c = open(sel, "127.0.0." + (sourceBase + i % sources));
                    conns.add(c);
                    held.add(c);
                    i++;
                    if (i % 64 == 0) {
                        pump(sel, 0, null);
                    }
                }
                release(held, now - holdNanos);
                pump(sel, rate == 0 ? 0 : 1, null);
            }
            openedAll = System.nanoTime();
            while (!held.isEmpty() && System.nanoTime() < openedAll + holdNanos + 1_000_000_000L) {
                pump(sel, 10, null);
                release(held, System.nanoTime() - holdNanos);
            }
        }
        double openSeconds = (openedAll - start) / 1e9;
        System.out.printf(Locale.ROOT, "flood:     %d attempted from %d addresses in %.2f s (%.0f/s), each held %d s%n",
                flood, sources, openSeconds, flood / Math.max(openSeconds, 1e-3), holdSeconds);
        report("flood", conns, start, cpuNanos() - cpu);
        closeAll(conns);
    }

    /** Resets the connections opened before {@code before} that are still open (the flood's hold is over). */
    private static void release(ArrayDeque<Conn> held, long before) {
        while (!held.isEmpty() && held.peek().openedNanos <= before) {
            Conn c = held.poll();
            if (c.state == State.OPEN || c.state == State.CONNECTING) {
                reset(c);
                c.state = c.state == State.OPEN ? State.HELD : State.FAILED;
                c.endedNanos = System.nanoTime();
            }
        }
    }

    /** CPU time of this process (all threads) in nanoseconds, or 0 where the JVM cannot tell. */
    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0;
    }

    private static void slowlorisPhase() throws IOException {
        List<Conn> conns = new ArrayList<>();
        long start = System.nanoTime();
        long cpu = cpuNanos();
        long interval = (long) (intervalSeconds * 1e9);
        try (Selector sel = Selector.open()) {
            for (int i = 0; i < slow; i++) {
                String source = "127.0.0." + (slowBase + i % 25);
                conns.add(open(sel, source));
            }
            long deadline = start + durationSeconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                pump(sel, 50, c -> {
                    long now = System.nanoTime();
                    if (c.state != State.OPEN || now < c.nextSendNanos) {
                        return;
                    }
                    String piece = c.headerLinesSent == 0
                            ? "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                            : "X-Slow-" + c.headerLinesSent + ": 1\r\n";
                    try {
                        c.ch.write(ByteBuffer.wrap(piece.getBytes(StandardCharsets.US_ASCII)));
                        c.headerLinesSent++;
                        c.nextSendNanos = now + interval;
                    } catch (IOException e) {
                        end(c, isReset(e) ? State.RESET : State.CLOSED);
                    }
                });
                boolean anyOpen = false;
                for (Conn c : conns) {
                    if (c.state == State.OPEN || c.state == State.CONNECTING) {
                        anyOpen = true;
                        break;
                    }
                }
                if (!anyOpen) {
                    break;
                }
            }
            System.out.printf(Locale.ROOT, "slowloris: %d attempted from 25 addresses%n", slow);
            report("slowloris", conns, start, cpuNanos() - cpu);
            long answered = conns.stream().filter(c -> c.firstResponseLine != null).count();
            if (answered > 0) {
                System.out.printf(Locale.ROOT, "slowloris: %d got a response before the close, first: %s%n",
                        answered, conns.stream().filter(c -> c.firstResponseLine != null).findFirst()
                                .get().firstResponseLine);
            }
            closeAll(conns);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static Conn open(Selector sel, String source) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.bind(new InetSocketAddress(source, 0));
            Conn c = new Conn(ch, source);
            c.openedNanos = System.nanoTime();
            if (ch.connect(new InetSocketAddress(host, port))) {
                c.state = State.OPEN;
                ch.register(sel, SelectionKey.OP_READ, c);
            } else {
                ch.register(sel, SelectionKey.OP_CONNECT, c);
            }
            return c;
        } catch (IOException e) {
            Conn c = new Conn(ch, source);
            c.openedNanos = System.nanoTime();
            end(c, State.FAILED);
            return c;
        }
    }

    interface Tick {
        void on(Conn c);
    }

    private static final ByteBuffer READ = ByteBuffer.allocate(4096);

    /** One round of the selector: finish connects, read (and drop) what the server sends, notice closes. */
    private static void pump(Selector sel, long timeoutMillis, Tick tick) throws IOException {
        if (timeoutMillis == 0) {
            sel.selectNow();
        } else {
            sel.select(timeoutMillis);
        }
        for (SelectionKey key : sel.selectedKeys()) {
            Conn c = (Conn) key.attachment();
            try {
                if (key.isConnectable()) {
                    if (c.ch.finishConnect()) {
                        c.state = State.OPEN;
                        key.interestOps(SelectionKey.OP_READ);
                    }
                } else if (key.isReadable()) {
                    READ.clear();
                    int n = c.ch.read(READ);
                    if (n < 0) {
                        end(c, State.CLOSED);
                    } else if (n > 0 && c.firstResponseLine == null) {
                        String text = new String(READ.array(), 0, n, StandardCharsets.ISO_8859_1);
                        int eol = text.indexOf('\r');
                        c.firstResponseLine = eol > 0 ? text.substring(0, eol) : text;
                    }
                }
            } catch (IOException e) {
                // a reset that comes before we saw the connect complete is a reset, not a failed connect
                end(c, isReset(e) ? State.RESET : c.state == State.CONNECTING ? State.FAILED : State.CLOSED);
            }
        }
        sel.selectedKeys().clear();
        if (tick != null) {
            for (SelectionKey key : sel.keys()) {
                if (key.isValid()) {
                    tick.on((Conn) key.attachment());
                }
            }
        }
    }

    private static boolean isReset(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("reset") || m.contains("broken pipe");
    }

    private static void end(Conn c, State state) {
        if (c.state == State.CLOSED || c.state == State.RESET || c.state == State.FAILED) {
            return;
        }
        c.state = state;
        c.endedNanos = System.nanoTime();
        if (c.ch != null) {
            try {
                c.ch.close();
            } catch (IOException ignored) {
                // closing our own end; nothing to report
            }
        }
    }

    private static void closeAll(List<Conn> conns) {
        for (Conn c : conns) {
            reset(c);
        }
    }

    /** Closes our end with a reset: no TIME_WAIT pile-up on either side. */
    private static void reset(Conn c) {
        if (c.ch != null && c.ch.isOpen()) {
            try {
                c.ch.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
                c.ch.close();
            } catch (IOException ignored) {
                // closing our own end
            }
        }
    }

    private static void report(String phase, List<Conn> conns, long start, long cpuNanos) {
        int connecting = 0, open = 0, closed = 0, reset = 0, failed = 0, held = 0;
        List<Double> lifetimes = new ArrayList<>();
        for (Conn c : conns) {
            switch (c.state) {
                case CONNECTING: connecting++; break;
                case OPEN: open++; break;
                case HELD: held++; break;
                case CLOSED: closed++; lifetimes.add((c.endedNanos - c.openedNanos) / 1e9); break;
                case RESET: reset++; lifetimes.add((c.endedNanos - c.openedNanos) / 1e9); break;
                default: failed++; break;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%-10s %d connected (TCP handshake done), %d refused or failed to connect, %d still connecting; "
                + "of the connected: %d held open by the server to the end, %d closed by the server (FIN), %d reset%n",
                phase + ":", open + held + closed + reset, failed, connecting, open + held, closed, reset);
        System.out.printf(Locale.ROOT, "%-10s driver CPU %.2f s in %.1f s (%.0f%% of one core, %.1f us per connection)%n",
                phase + ":", cpuNanos / 1e9, seconds, cpuNanos / 1e7 / seconds, cpuNanos / 1e3 / Math.max(1, conns.size()));
        System.out.printf(Locale.ROOT, "FLOOD_RESULT phase=%s attempted=%d connected=%d failed=%d held=%d closed=%d reset=%d"
                + " seconds=%.2f driver_cpu_ms=%d%n", phase, conns.size(), open + held + closed + reset, failed + connecting,
                open + held, closed, reset, seconds, cpuNanos / 1_000_000);
        if (!lifetimes.isEmpty()) {
            Collections.sort(lifetimes);
            System.out.printf(Locale.ROOT, "%-10s server-side close after: min %.2f s, median %.2f s, max %.2f s%n",
                    phase + ":", lifetimes.get(0), lifetimes.get(lifetimes.size() / 2),
                    lifetimes.get(lifetimes.size() - 1));
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** A normal client: one GET on a new connection from 127.0.0.1, 2 s timeout. */
    static final class Probe {
        private int ok, other, failed;
        private final List<Double> millis = new ArrayList<>();
        private String lastFailure = "";

        synchronized void record(int status, double ms, String failure) {
            if (failure != null) {
                failed++;
                lastFailure = failure;
            } else if (status >= 200 && status < 400) {
                ok++;
                millis.add(ms);
            } else {
                other++;
                lastFailure = "status " + status;
            }
        }

        void once() {
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress("127.0.0.1", 0));
                s.connect(new InetSocketAddress(host, port), 2000);
                s.setSoTimeout(2000);
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[64];
                int n = s.getInputStream().read(buf);
                double ms = (System.nanoTime() - t0) / 1e6;
                if (n < 12) {
                    record(0, ms, "closed without a response");
                    return;
                }
                String line = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                record(Integer.parseInt(line.substring(9, 12)), ms, null);
            } catch (SocketTimeoutException e) {
                record(0, 0, "timeout");
            } catch (IOException | RuntimeException e) {
                record(0, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        synchronized String summary() {
            int total = ok + other + failed;
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%d/%d answered 2xx/3xx", ok, total));
            if (!millis.isEmpty()) {
                List<Double> sorted = new ArrayList<>(millis);
                Collections.sort(sorted);
                b.append(String.format(Locale.ROOT, " (median %.1f ms, max %.1f ms)",
                        sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1)));
            }
            if (other + failed > 0) {
                b.append(String.format(Locale.ROOT, ", %d other status, %d failed (last: %s)", other, failed,
                        lastFailure));
            }
            return b.toString();
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            if (v == null && !a.equals("--help")) {
                die("missing value after " + a);
            }
            switch (a) {
                case "--target": {
                    int colon = v.lastIndexOf(':');
                    if (colon < 0) {
                        die("--target needs HOST:PORT");
                    }
                    host = v.substring(0, colon);
                    port = intArg(a, v.substring(colon + 1), 1, 65535);
                    break;
                }
                case "--path": path = v; break;
                case "--flood": flood = intArg(a, v, 0, MAX_FLOOD); break;
                case "--slowloris": slow = intArg(a, v, 0, MAX_SLOW); break;
                case "--hold": holdSeconds = intArg(a, v, 1, MAX_SECONDS); break;
                case "--rate": rate = intArg(a, v, 0, 100_000); break;
                case "--sources": sources = intArg(a, v, 1, 24); break;
                case "--source-base": sourceBase = intArg(a, v, 2, 230); break;
                case "--slowloris-base": slowBase = intArg(a, v, 2, 230); break;
                case "--duration": durationSeconds = intArg(a, v, 1, MAX_SECONDS); break;
                case "--interval": intervalSeconds = Double.parseDouble(v); break;
                case "--help":
                    System.out.println("java bench/Flood.java --target 127.0.0.1:PORT [--path /] [--flood N]"
                            + " [--hold S] [--rate N] [--sources N] [--source-base N] [--slowloris N] [--slowloris-base N] [--interval S] [--duration S]");
                    System.exit(0);
                    break;
                default: die("unknown option " + a);
            }
            i++;
        }
        if (port == 0) {
            die("--target 127.0.0.1:PORT is required");
        }
        if (intervalSeconds < 0.05 || intervalSeconds > 60) {
            die("--interval must be between 0.05 and 60 seconds");
        }
    }

    private static int intArg(String name, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                die(name + " must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            die(name + " needs a whole number, got " + v);
            return 0;
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void die(String message) {
        System.err.println("flood: " + message);
        System.exit(2);
    }
}
