import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * A bench origin with a name and an added latency, for the balancing scenarios of bench/balance.sh:
 * {@code java bench/Origin.java --port P --name o1 [--delay-ms 20]}. Answers every GET with 200 and a
 * 100-byte body that starts with its name, so a driver can tell which server answered (Palisade hides
 * origin headers, not bodies); a POST body is read as a stream and answered with its length. Listens on 127.0.0.1 only; the thread pool bounds the work it takes on.
 */
public final class Origin {

    public static void main(String[] args) throws IOException {
        int port = 0;
        String name = "origin";
        long delayMs = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port": port = Integer.parseInt(args[i + 1]); break;
                case "--name": name = args[i + 1]; break;
                case "--delay-ms": delayMs = Math.min(10_000, Math.max(0, Long.parseLong(args[i + 1]))); break;
                default: throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (port <= 0) {
            throw new IllegalArgumentException("--port P is required");
        }
        byte[] body = new byte[100];
        Arrays.fill(body, (byte) 'a');
        byte[] tag = (name + "\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, body, 0, Math.min(tag.length, body.length));
        long delay = delayMs;
        String who = name;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.createContext("/", exchange -> {
            try (exchange) {
                // streamed, never held: bench/bigbody.sh uploads 1 GiB through here
                long received = exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                if (exchange.getRequestMethod().equals("POST")) {
                    byte[] count = (who + " received " + received + "\n").getBytes(StandardCharsets.US_ASCII);
                    exchange.sendResponseHeaders(200, count.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(count);
                    }
                    return;
                }
                if (delay > 0) {
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(128));
        server.start();
        System.out.println("origin " + name + " on 127.0.0.1:" + port + " delay " + delay + " ms");
    }
}
