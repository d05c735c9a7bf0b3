import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import com.sun.net.httpserver.HttpServer;

/**
 * The load of bench/soak.sh, run from source ({@code java bench/Soak.java ...}): a restartable origin on
 * loopback and six paced clients against Palisade for a bounded time, each a mix an edge proxy sees all
 * day: keep-alive requests, a new connection per request, a new TLS handshake per request, requests the
 * shipped rules block, requests over a rate limit, and uploads. The origin goes away for two seconds
 * every restart interval. Prints the statuses seen every 10 s and a total at the end. Every count, rate
 * and duration is capped; it only ever talks to 127.0.0.1.
 */
public final class Soak {

    private static final Map<String, Map<Integer, LongAdder>> STATUSES = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder> ERRORS = new ConcurrentHashMap<>();
    private static volatile HttpServer origin;

    public static void main(String[] args) throws Exception {
        int http = 0;
        int https = 0;
        int originPort = 0;
        int seconds = 60;
        int restartEvery = 60;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--http" -> http = Integer.parseInt(args[i + 1]);
                case "--https" -> https = Integer.parseInt(args[i + 1]);
                case "--origin-port" -> originPort = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Math.min(3600, Integer.parseInt(args[i + 1]));
                case "--restart-every" -> restartEvery = Math.max(10, Integer.parseInt(args[i + 1]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (http == 0 || https == 0 || originPort == 0) {
            throw new IllegalArgumentException("usage: Soak --http P --https P --origin-port P [--seconds N] [--restart-every N]");
        }
        startOrigin(originPort);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        SSLContext tls = trustAll();
        int h = http;
        int s = https;
        Thread[] workers = {
            worker("keepalive", 100, end, () -> keepAlive(h, end)),
            worker("newconn", 40, end, () -> once(h, "GET /new HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n", "newconn")),
            worker("tls", 15, end, () -> tlsOnce(tls, s)),
            worker("blocked", 20, end, () -> once(h, "GET /search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E HTTP/1.1\r\n"
                    + "Host: soak\r\nConnection: close\r\n\r\n", "blocked")),
            worker("ratelimited", 40, end, () -> once(h, "GET /limited/x HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n",
                    "ratelimited")),
            worker("upload", 15, end, () -> upload(h)),
        };
        for (Thread t : workers) {
            t.start();
        }
        long start = System.nanoTime();
        long nextReport = start + 10_000_000_000L;
        long nextRestart = start + restartEvery * 1_000_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(200);
            long now = System.nanoTime();
            if (now >= nextRestart && end - now > 5_000_000_000L) {
                restartOrigin(originPort);
                nextRestart = System.nanoTime() + restartEvery * 1_000_000_000L;
            }
            if (now >= nextReport) {
                System.out.println("t=" + (now - start) / 1_000_000_000L + "s " + summary());
                nextReport += 10_000_000_000L;
            }
        }
        for (Thread t : workers) {
            t.join(10_000);
        }
        origin.stop(0);
        System.out.println("total " + summary());
        System.exit(0);
    }

    interface Step {
        void run() throws IOException;
    }

    /** A client that runs {@code step} about {@code perSecond} times a second until {@code end}. */
    private static Thread worker(String name, int perSecond, long end, Step step) {
        Thread t = new Thread(() -> {
            long gap = 1_000_000_000L / perSecond;
            long next = System.nanoTime();
            while (System.nanoTime() < end) {
                try {
                    step.run();
                } catch (IOException e) {
                    ERRORS.computeIfAbsent(name, k -> new LongAdder()).increment();
                }
                next += gap;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    sleep(wait);
                } else {
                    next = System.nanoTime();
                }
            }
        }, "soak-" + name);
        t.setDaemon(true);
        return t;
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the clients ----

    /** Requests one after another on one connection, reconnecting when the proxy closes it. */
    private static void keepAlive(int port, long end) throws IOException {
        try (Socket sock = connect(port)) {
            OutputStream out = sock.getOutputStream();
            InputStream in = sock.getInputStream();
            for (int i = 0; i < 500 && System.nanoTime() < end; i++) {
                out.write(("GET /ka/" + i + " HTTP/1.1\r\nHost: soak\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Response r = Response.read(in);
                count("keepalive", r.status);
                if (r.close) {
                    return;
                }
                sleep(10_000_000L);
            }
        }
    }

    private static void once(int port, String request, String name) throws IOException {
        try (Socket sock = connect(port)) {
            sock.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            count(name, Response.read(sock.getInputStream()).status);
        }
    }

    private static void tlsOnce(SSLContext ctx, int port) throws IOException {
        try (SSLSocket sock = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            sock.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            sock.setSoTimeout(10_000);
            sock.startHandshake();
            sock.getOutputStream().write("GET /tls HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            sock.getOutputStream().flush();
            count("tls", Response.read(sock.getInputStream()).status);
        }
    }

    private static void upload(int port) throws IOException {
        byte[] body = new byte[16 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        try (Socket sock = connect(port)) {
            OutputStream out = sock.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: soak\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            count("upload", Response.read(sock.getInputStream()).status);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void count(String name, int status) {
        STATUSES.computeIfAbsent(name, k -> new ConcurrentHashMap<>()).computeIfAbsent(status, k -> new LongAdder())
                .increment();
    }

    private static String summary() {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(STATUSES).forEach((name, m) -> {
            sb.append(name).append('{');
            new TreeMap<>(m).forEach((st, n) -> sb.append(st).append(':').append(n.sum()).append(' '));
            sb.setLength(sb.length() - 1);
            sb.append("} ");
        });
        sb.append("errors{");
        new TreeMap<>(ERRORS).forEach((name, n) -> sb.append(name).append(':').append(n.sum()).append(' '));
        return sb.append('}').toString();
    }

    // ---- the origin ----

    private static void startOrigin(int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        s.createContext("/", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            byte[] b = ("ok " + ex.getRequestURI().getPath() + " " + in.length).getBytes(StandardCharsets.US_ASCII);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "soak-origin");
            t.setDaemon(true);
            return t;
        }));
        s.start();
        origin = s;
    }

    private static void restartOrigin(int port) throws IOException {
        System.out.println("origin: stopping for 2 s");
        origin.stop(0);
        sleep(2_000_000_000L);
        for (int attempt = 0; ; attempt++) {
            try {
                startOrigin(port);
                break;
            } catch (java.net.BindException e) {
                if (attempt > 50) {
                    throw e;
                }
                sleep(100_000_000L);
            }
        }
        System.out.println("origin: back");
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return ctx;
    }

    /** One response: the status and whether the connection closes after it; the body is read and dropped. */
    record Response(int status, boolean close) {
        static Response read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed before a response");
                }
                head.write(c);
                matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                        ? matched + 1 : 0;
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String l : lines) {
                String lower = l.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(l.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:")) {
                    chunked = true;
                } else if (lower.startsWith("connection:")) {
                    close = lower.contains("close");
                }
            }
            if (chunked) {
                while (true) {
                    int n = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                    if (n == 0) {
                        while (!line(in).isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    in.readNBytes(n);
                    line(in);
                }
            } else if (length > 0) {
                in.readNBytes((int) length);
            } else if (length < 0) {
                in.readAllBytes();
                close = true;
            }
            return new Response(status, close);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }
    }
}
