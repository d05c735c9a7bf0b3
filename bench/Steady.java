import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Closed-loop load on keep-alive connections for bench/balance.sh, with what wrk does not give: which origin
 * answered (the first line of the body), a timeline of errors, and an optional kill of one origin process at
 * a set time while Palisade's /api/stats is watched for that server's state.
 *
 * <pre>
 * java bench/Steady.java --target 127.0.0.1:P [--path /] [--connections 16] [--duration 10] [--label NAME]
 *                        [--kill-pid PID --kill-at S] [--admin 127.0.0.1:A --watch 127.0.0.1:O]
 * </pre>
 * Every connection sends a request, reads the whole answer, and sends the next; a failed connection is
 * reopened after 10 ms. Everything is bounded: at most 120 s, 256 connections, 20 million samples.
 */
public final class Steady {

    private static final int MAX_SAMPLES = 20_000_000;

    private static String host = "127.0.0.1";
    private static int port;
    private static String path = "/";
    private static int connections = 16;
    private static int duration = 10;
    private static String label = "run";
    private static long killPid = -1;
    private static double killAt = -1;
    private static String admin;
    private static String watch;

    private static final AtomicLong sampleCount = new AtomicLong();
    private static final Map<String, AtomicLong> answeredBy = new ConcurrentHashMap<>();
    private static volatile long killedAtNanos;

    /** One connection's results; written by its thread only, read after the join. */
    static final class Worker extends Thread {
        final long start;
        final long end;
        int[] micros = new int[1 << 14];
        int n;
        long ok;
        long bad;
        long ioErrors;
        final List<Long> errorTimes = new ArrayList<>();

        Worker(long start, long end) {
            this.start = start;
            this.end = end;
            setDaemon(true);
        }

        @Override
        public void run() {
            byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: bench.local\r\nUser-Agent: palisade-bench\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            while (System.nanoTime() < end) {
                try (Socket s = new Socket()) {
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(10_000);
                    s.connect(new InetSocketAddress(host, port), 5000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = new BufferedInputStream(s.getInputStream(), 8192);
                    boolean open = true;
                    while (open && System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        out.write(request);
                        out.flush();
                        Response r = Response.read(in);
                        long t1 = System.nanoTime();
                        record(t1 - t0);
                        if (r.status == 200) {
                            ok++;
                            answeredBy.computeIfAbsent(r.firstLine, k -> new AtomicLong()).incrementAndGet();
                        } else {
                            bad++;
                            error(t1);
                        }
                        open = !r.close;
                    }
                } catch (IOException e) {
                    ioErrors++;
                    error(System.nanoTime());
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        private void error(long at) {
            if (errorTimes.size() < 100_000) {
                errorTimes.add(at);
            }
        }

        private void record(long nanos) {
            if (sampleCount.incrementAndGet() > MAX_SAMPLES) {
                return;
            }
            if (n == micros.length) {
                micros = Arrays.copyOf(micros, n * 2);
            }
            micros[n++] = (int) Math.min(Integer.MAX_VALUE, nanos / 1000);
        }
    }

    /** Status, the body's first line, and whether the server closes; reads Content-Length or chunked bodies. */
    static final class Response {
        int status;
        String firstLine = "";
        boolean close;

        static Response read(InputStream in) throws IOException {
            Response r = new Response();
            String statusLine = line(in);
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("bad status line: " + statusLine);
            }
            r.status = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    r.close = true;
                }
            }
            StringBuilder body = new StringBuilder();
            if (chunked) {
                for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0;
                        size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
                    take(in, size, body);
                    line(in);
                }
                while (!line(in).isEmpty()) {
                    // trailers
                }
            } else if (length > 0) {
                take(in, length, body);
            } else if (length < 0) {
                r.close = true;
            }
            int nl = body.indexOf("\n");
            r.firstLine = nl < 0 ? body.toString() : body.substring(0, nl);
            if (r.firstLine.length() > 32) {
                r.firstLine = r.firstLine.substring(0, 32);
            }
            return r;
        }

        private static void take(InputStream in, long n, StringBuilder keep) throws IOException {
            for (long i = 0; i < n; i++) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed in the body");
                }
                if (keep.length() < 64) {
                    keep.append((char) c);
                }
            }
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("closed by the server");
                }
                if (c != '\r' && sb.length() < 16_384) {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }
    }

    public static void main(String[] args) throws Exception {
        parse(args);
        long start = System.nanoTime();
        long end = start + duration * 1_000_000_000L;
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Worker w = new Worker(start, end);
            workers.add(w);
            w.start();
        }
        Thread watcher = null;
        List<String> transitions = new ArrayList<>();
        if (admin != null && watch != null) {
            watcher = new Thread(() -> watchState(start, end, transitions));
            watcher.setDaemon(true);
            watcher.start();
        }
        if (killPid > 0) {
            long at = start + (long) (killAt * 1e9);
            while (System.nanoTime() < at) {
                Thread.sleep(5);
            }
            ProcessHandle.of(killPid).ifPresent(ProcessHandle::destroyForcibly);
            killedAtNanos = System.nanoTime();
        }
        for (Worker w : workers) {
            w.join(duration * 1000L + 20_000);
        }
        if (watcher != null) {
            watcher.join(5000);
        }
        report(start, workers, transitions);
    }

    private static void report(long start, List<Worker> workers, List<String> transitions) {
        long ok = 0;
        long bad = 0;
        long io = 0;
        int total = 0;
        for (Worker w : workers) {
            ok += w.ok;
            bad += w.bad;
            io += w.ioErrors;
            total += w.n;
        }
        int[] all = new int[total];
        int k = 0;
        for (Worker w : workers) {
            System.arraycopy(w.micros, 0, all, k, w.n);
            k += w.n;
        }
        Arrays.sort(all);
        double secs = duration;
        System.out.printf(Locale.ROOT, "%s: %d requests in %d s (%.0f req/s), %d errors (%d non-200, %d connection errors); "
                        + "latency p50 %s p99 %s p99.9 %s max %s%n", label, ok + bad, duration, (ok + bad) / secs,
                bad + io, bad, io, ms(all, 0.50), ms(all, 0.99), ms(all, 0.999), ms(all, 1.0));
        StringBuilder by = new StringBuilder();
        long answered = answeredBy.values().stream().mapToLong(AtomicLong::get).sum();
        new TreeMap<>(answeredBy).forEach((name, n) -> by.append(by.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %.1f%%", name, 100.0 * n.get() / Math.max(1, answered))));
        System.out.println(label + ": answered by " + by);
        if (killedAtNanos > 0) {
            long after = 0;
            long last = -1;
            for (Worker w : workers) {
                for (long t : w.errorTimes) {
                    if (t >= killedAtNanos) {
                        after++;
                        last = Math.max(last, t);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%s: origin pid %d killed at %.2f s; client errors after the kill: %d%s%n", label,
                    killPid, (killedAtNanos - start) / 1e9, after,
                    last < 0 ? " (none)" : String.format(Locale.ROOT, ", the last %.3f s after it", (last - killedAtNanos) / 1e9));
        }
        if (!transitions.isEmpty()) {
            System.out.println(label + ": " + watch + " as /api/stats showed it: " + String.join(", ", transitions));
        }
    }

    private static String ms(int[] sorted, double q) {
        if (sorted.length == 0) {
            return "-";
        }
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
        return String.format(Locale.ROOT, "%.2f ms", sorted[i] / 1000.0);
    }

    /** Polls /api/stats every 100 ms and notes each change of the watched server's state, relative to the kill. */
    private static void watchState(long start, long end, List<String> transitions) {
        Pattern p = Pattern.compile("\"origin\":\"" + Pattern.quote(watch) + "\",\"state\":\"([a-z_]+)\"");
        String last = "";
        String[] hp = admin.split(":");
        byte[] req = ("GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        while (System.nanoTime() < end) {
            try (Socket s = new Socket(hp[0], Integer.parseInt(hp[1]))) {
                s.setSoTimeout(2000);
                s.getOutputStream().write(req);
                String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                Matcher m = p.matcher(text);
                if (m.find() && !m.group(1).equals(last)) {
                    last = m.group(1);
                    long now = System.nanoTime();
                    long ref = killedAtNanos > 0 ? killedAtNanos : start;
                    synchronized (transitions) {
                        transitions.add(String.format(Locale.ROOT, "%s at %s%.2f s", last, killedAtNanos > 0
                                ? "kill+" : "start+", (now - ref) / 1e9));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the admin listener busy or restarting: try again
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void parse(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--target": {
                    int c = v.lastIndexOf(':');
                    host = v.substring(0, c);
                    port = Integer.parseInt(v.substring(c + 1));
                    break;
                }
                case "--path": path = v; break;
                case "--connections": connections = Math.max(1, Math.min(256, Integer.parseInt(v))); break;
                case "--duration": duration = Math.max(1, Math.min(120, Integer.parseInt(v))); break;
                case "--label": label = v; break;
                case "--kill-pid": killPid = Long.parseLong(v); break;
                case "--kill-at": killAt = Double.parseDouble(v); break;
                case "--admin": admin = v; break;
                case "--watch": watch = v; break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (port == 0 || !(host.startsWith("127.") || host.equals("localhost"))) {
            throw new IllegalArgumentException("--target must be a loopback HOST:PORT");
        }
        if (killPid > 0 && (killAt < 0 || killAt >= duration)) {
            throw new IllegalArgumentException("--kill-at must be within the duration");
        }
    }
}
