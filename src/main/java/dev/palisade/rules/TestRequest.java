package dev.palisade.rules;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

import dev.palisade.config.Cidr;
import dev.palisade.pipeline.ClientInfo;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.ListHeaders;
import dev.palisade.pipeline.RequestHead;

/**
 * A request written on one line, as in a rule's test cases and the corpora:
 * {@code METHOD TARGET [VERSION] ; Name: value ; body: text ; client: 203.0.113.9 ; tls: TLSv1.3 ; sni: name ; without Host}.
 * Parts are separated by {@code " ; "} (a semicolon with a space on each side). A {@code Host: example.com}
 * header is added unless the line gives one or says {@code without Host}; a body without a
 * Content-Type gets {@code application/x-www-form-urlencoded}.
 */
public final class TestRequest {

    private final String text;
    private final String method;
    private final String target;
    private final String version;
    private final ListHeaders headers;
    private final byte[] body;
    private final String client;
    private final String tls;
    private final String sni;

    private TestRequest(String text, String method, String target, String version, ListHeaders headers, byte[] body,
                        String client, String tls, String sni) {
        this.text = text;
        this.method = method;
        this.target = target;
        this.version = version;
        this.headers = headers;
        this.body = body;
        this.client = client;
        this.tls = tls;
        this.sni = sni;
    }

    /** Parses a request line; throws IllegalArgumentException saying what is wrong. */
    public static TestRequest parse(String line) {
        String[] parts = line.trim().split(" ; ", -1);
        String[] first = parts[0].trim().split("\\s+");
        if (first.length < 2 || first[0].isEmpty()) {
            throw new IllegalArgumentException("test request '" + line.trim()
                    + "' (expected: METHOD TARGET [; Header: value]..., for example GET /?q=1 ; User-Agent: x)");
        }
        if (first.length > 3) {
            throw new IllegalArgumentException("test request target has a space (expected: percent-encode it as %20)");
        }
        ListHeaders h = new ListHeaders();
        boolean hostGiven = false;
        boolean noHost = false;
        boolean ctGiven = false;
        byte[] body = null;
        String client = "192.0.2.10";
        String tls = "";
        String sni = "";
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                continue;
            }
            if (p.equalsIgnoreCase("without host")) {
                noHost = true;
                continue;
            }
            int colon = p.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("test request part '" + p + "' (expected: Name: value)");
            }
            String name = p.substring(0, colon).trim();
            String value = p.substring(colon + 1).trim();
            switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "body" -> body = value.getBytes(StandardCharsets.UTF_8);
                case "client" -> {
                    if (Cidr.literal(value) == null) {
                        throw new IllegalArgumentException("test request client '" + value + "' (expected: an IP address)");
                    }
                    client = value;
                }
                case "tls" -> tls = value;
                case "sni" -> sni = value;
                default -> {
                    hostGiven |= name.equalsIgnoreCase("host");
                    ctGiven |= name.equalsIgnoreCase("content-type");
                    h.add(name, value);
                }
            }
        }
        if (!hostGiven && !noHost) {
            h.add("Host", "example.com");
        }
        if (body != null && !ctGiven) {
            h.add("Content-Type", "application/x-www-form-urlencoded");
        }
        String version = first.length == 3 ? first[2] : "HTTP/1.1";
        return new TestRequest(line.trim(), first[0], first[1], version, h, body, client, tls, sni);
    }

    /** A fresh exchange for this request. */
    public Exchange exchange() {
        RequestHead head = RequestHead.of(method, target, version, headers);
        InetAddress addr;
        try {
            addr = InetAddress.getByAddress(Cidr.literal(client));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        Exchange ex = new Exchange("test", head, new ClientInfo(addr, 40000, "test", tls, sni), System.nanoTime());
        if (body != null) {
            ex.body(body);
        }
        return ex;
    }

    @Override
    public String toString() {
        return text;
    }
}
