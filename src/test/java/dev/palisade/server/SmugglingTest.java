package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.palisade.config.HostPort;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.OriginGroupConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.config.RouteConfig;
import dev.palisade.config.RulesConfig;
import dev.palisade.testing.RecordingOrigin;
import dev.palisade.testing.RecordingOrigin.Request;

/**
 * Request smuggling and malformed HTTP/1.1, as raw bytes through a real Palisade to an origin that reads
 * raw bytes. One row per case, named after the rule of RFC 9110 / 9112 it rests on. Each row says what
 * the client must see (statuses in order, and whether the connection is then closed) and exactly which
 * requests the origin must receive, with their framing as sent on the wire; nothing may reach the origin
 * after a refused request on the same connection. For every request that does reach the origin, the
 * framing is checked to be the one form the proxy writes itself: one Host, at most one of Content-Length
 * and {@code Transfer-Encoding: chunked}, chunks without extensions or trailers, no upgrade or expectation
 * passed on. The rule engine is off here: this is the protocol layer alone.
 */
@Timeout(120)
class SmugglingTest {

    private static final String CRLF = "\r\n";

    private static RecordingOrigin origin;
    private static PalisadeServer proxy;
    private static int port;
    private static int probes;

    /**
     * One case.
     *
     * @param name     what is sent and the RFC section that decides it
     * @param raw      the bytes, with {@code |} for CRLF
     * @param statuses every status the client must get, interim ones included, in order
     * @param closed   whether the proxy must close the connection after the last of them
     * @param atOrigin the requests the origin must get: "request line ; framing ; body"
     * @param check    more assertions over what the origin got
     * @param cutBody  refused in the body: the head may already be on its way, so the origin may see this
     *                 one request cut off and its connection closed (never a whole request)
     */
    record Case(String name, String raw, List<Integer> statuses, boolean closed, List<String> atOrigin,
                Consumer<List<Request>> check, boolean cutBody) {

        Case(String name, String raw, List<Integer> statuses, boolean closed, List<String> atOrigin,
             Consumer<List<Request>> check) {
            this(name, raw, statuses, closed, atOrigin, check, false);
        }

        @Override
        public String toString() {
            return name;
        }

        Case withStatuses(List<Integer> s) {
            return new Case(name, raw, s, closed, atOrigin, check);
        }

        Case withCheck(Consumer<List<Request>> c) {
            return new Case(name, raw, statuses, closed, atOrigin, c);
        }
    }

    static Case refuse(String name, String raw, int status) {
        return new Case(name, raw, List.of(status), true, List.of(), r -> { });
    }

    static Case refuseBody(String name, String raw, int status) {
        return new Case(name, raw, List.of(status), true, List.of(), r -> { }, true);
    }

    static Case forward(String name, String raw, int status, String... atOrigin) {
        return new Case(name, raw, List.of(status), false, List.of(atOrigin), r -> { });
    }

    static Case forward(String name, String raw, int status, Consumer<List<Request>> check, String... atOrigin) {
        return new Case(name, raw, List.of(status), false, List.of(atOrigin), check);
    }

    static Case exchange(String name, String raw, List<Integer> statuses, boolean closed, String... atOrigin) {
        return new Case(name, raw, statuses, closed, List.of(atOrigin), r -> { });
    }

    static Consumer<List<Request>> header(String field, String... values) {
        return r -> assertEquals(List.of(values), r.get(0).values(field), field);
    }

    static Consumer<List<Request>> absent(String... fields) {
        return r -> {
            for (String f : fields) {
                assertEquals(List.of(), r.get(0).values(f), f + " must not reach the origin");
            }
        };
    }

    static final String POST = "POST / HTTP/1.1|Host: a|";

    /** A POST of the chunked body "abc" with these framing field lines, refused before anything is forwarded. */
    static Case refuseFraming(String name, String fields) {
        return refuse(name, POST + fields + "||3|abc|0||", 400);
    }

    /** A POST of the chunked body "abc" with these framing field lines, forwarded as plain chunked "abc". */
    static Case forwardFraming(String name, String fields) {
        return forward(name, POST + fields + "||3|abc|0||", 200, "POST / HTTP/1.1 ; chunked ; abc");
    }

    /** A POST of "abc" with this Content-Length value, refused. */
    static Case refuseLength(String name, String value) {
        return refuse(name, POST + "Content-Length: " + value + "||abc", 400);
    }

    /** A POST of "abc" with this Content-Length value, forwarded with the length written as plain digits. */
    static Case forwardLength(String name, String value) {
        return forward(name, POST + "Content-Length: " + value + "||abc", 200, "POST / HTTP/1.1 ; length 3 ; abc");
    }

    /** A chunked POST whose body (what follows the head) is refused: the head may already be on its way. */
    static Case refuseChunks(String name, String body) {
        return refuseBody(name, POST + "Transfer-Encoding: chunked||" + body, 400);
    }

    static Stream<Case> cases() {
        String ws = "Upgrade: websocket|Connection: Upgrade|Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==|"
                + "Sec-WebSocket-Version: 13|";
        String h2c = "GET /h2c HTTP/1.1|Host: a|Upgrade: h2c|HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA|"
                + "Connection: Upgrade, HTTP2-Settings||";
        return Stream.of(
            // ---- Content-Length and Transfer-Encoding together ----
            refuse("CL.TE (RFC 9112 6.1, 11.2)", POST + "Content-Length: 6|Transfer-Encoding: chunked||0||G", 400),
            refuse("TE.CL (RFC 9112 6.1, 11.2)", POST + "Transfer-Encoding: chunked|Content-Length: 3||8|SMUGGLED|0||", 400),
            // ---- TE.TE: obfuscated Transfer-Encoding ----
            forwardFraming("TE.TE coding name in capitals is still chunked (RFC 9112 7)", "Transfer-Encoding: CHUNKED"),
            forwardFraming("TE.TE spaces around the value are OWS (RFC 9110 5.5)", "Transfer-Encoding:   chunked  "),
            forwardFraming("TE.TE tab before the value is OWS (RFC 9110 5.6.3)", "Transfer-Encoding:\tchunked"),
            refuseFraming("TE.TE vertical tab before the value (RFC 9110 5.5)", "Transfer-Encoding: \u000bchunked"),
            refuseFraming("TE.TE vertical tab after the value (RFC 9110 5.5)", "Transfer-Encoding: chunked\u000b"),
            refuseFraming("TE.TE two chunked fields mean chunked twice (RFC 9112 7.1)",
                    "Transfer-Encoding: chunked|Transfer-Encoding: chunked"),
            refuseFraming("TE.TE chunked then identity field (RFC 9112 6.3)",
                    "Transfer-Encoding: chunked|Transfer-Encoding: identity"),
            refuseFraming("TE.TE chunked, identity: chunked not final (RFC 9112 6.3)", "Transfer-Encoding: chunked, identity"),
            refuseFraming("TE.TE identity alone (RFC 9112 6.1)", "Transfer-Encoding: identity"),
            refuseFraming("TE.TE unknown coding before chunked (RFC 9112 6.1)", "Transfer-Encoding: gzip, chunked"),
            refuseFraming("TE.TE unknown coding xchunked (RFC 9112 6.1)", "Transfer-Encoding: xchunked"),
            refuseFraming("TE.TE chunked with a parameter (RFC 9112 7)", "Transfer-Encoding: chunked;q=1"),
            refuseFraming("TE.TE space before the colon (RFC 9112 5.1)", "Transfer-Encoding : chunked"),
            refuse("TE.TE whitespace line before the first field (RFC 9112 2.2)",
                    "POST / HTTP/1.1| Transfer-Encoding: chunked|Host: a||3|abc|0||", 400),
            refuseFraming("TE.TE value on an obs-fold line (RFC 9112 5.2)", "Transfer-Encoding:| chunked"),
            refuse("TE on HTTP/1.0 is faulty framing (RFC 9112 6.1)",
                    "POST / HTTP/1.0|Host: a|Transfer-Encoding: chunked||3|abc|0||", 400),
            // ---- Content-Length values ----
            refuse("CL twice with one value (RFC 9110 8.6)", POST + "Content-Length: 3|Content-Length: 3||abc", 400),
            refuse("CL twice with two values (RFC 9112 6.3)", POST + "Content-Length: 3|Content-Length: 4||abcd", 400),
            refuseLength("CL as a list (RFC 9110 8.6)", "3, 3"),
            refuseLength("CL signed + (RFC 9110 8.6)", "+3"),
            refuseLength("CL negative (RFC 9110 8.6)", "-1"),
            refuseLength("CL hexadecimal (RFC 9110 8.6)", "0x3"),
            refuseLength("CL with an inner space (RFC 9110 8.6)", "1 2"),
            refuseLength("CL empty (RFC 9110 8.6)", ""),
            refuseLength("CL overflowing 64 bits (RFC 9110 8.6)", "18446744073709551619"),
            forwardLength("CL with leading zeros is sent as plain digits (RFC 9110 8.6)", "003"),
            forwardLength("CL with trailing OWS (RFC 9110 5.5)", "3 "),
            // ---- chunks ----
            refuseChunks("chunk size overflowing 64 bits (RFC 9112 7.1)", "10000000000000003|abc|0||"),
            refuseChunks("chunk size not hexadecimal (RFC 9112 7.1)", "3g|abc|0||"),
            refuseChunks("chunk size with 0x (RFC 9112 7.1)", "0x3|abc|0||"),
            refuseChunks("chunk size after a space (RFC 9112 7.1)", " 3|abc|0||"),
            refuseChunks("chunk size negative (RFC 9112 7.1)", "-3|abc|0||"),
            refuseChunks("chunk data longer than its size (RFC 9112 7.1)", "3|abcd|0||"),
            forward("chunk extensions are dropped (RFC 9112 7.1.1)",
                    POST + "Transfer-Encoding: chunked||3;name=\"v;x\"|abc|2 ; a=b|de|0;last||", 200,
                    "POST / HTTP/1.1 ; chunked ; abcde"),
            refuseChunks("chunk extension ended by bare LF (RFC 9112 7.1.1, 2.2)", "3;x\nabc|0||"),
            refuseChunks("chunk extension with a bare CR (RFC 9112 7.1.1, 2.2)", "3;x\rabc|abc|0||"),
            refuseChunks("chunk extension of 5000 bytes (RFC 9112 7.1.1)", "3;" + "e".repeat(5000) + "|abc|0||"),
            forward("trailer fields carrying framing and routing are dropped (RFC 9110 6.5.1, RFC 9112 7.1.2)",
                    POST + "Transfer-Encoding: chunked||3|abc|0|Content-Length: 50|Transfer-Encoding: chunked|Host: evil|"
                            + "X-Forwarded-For: 6.6.6.6||", 200, header("Host", "a"),
                    "POST / HTTP/1.1 ; chunked ; abc"),
            refuseChunks("trailer line ended by bare LF (RFC 9112 2.2)", "3|abc|0|X: y\n|"),
            // ---- line ends, field names and values ----
            refuse("bare LF as line end (RFC 9112 2.2)", "GET / HTTP/1.1\nHost: a\n\n", 400),
            refuse("bare LF inside one field line (RFC 9112 2.2)", "GET / HTTP/1.1|Host: a\nX-A: 1||", 400),
            refuse("bare CR in a field value (RFC 9112 2.2)", "GET / HTTP/1.1|Host: a|X-A: 1\r2||", 400),
            refuse("NUL in a field value (RFC 9110 5.5)", "GET / HTTP/1.1|Host: a|X-A: 1\u00002||", 400),
            refuse("DEL in a field value (RFC 9110 5.5)", "GET / HTTP/1.1|Host: a|X-A: 1\u007f2||", 400),
            refuse("obs-fold with a space (RFC 9112 5.2)", "GET / HTTP/1.1|Host: a|X-A: 1| 2||", 400),
            refuse("obs-fold with a tab (RFC 9112 5.2)", "GET / HTTP/1.1|Host: a|X-A: 1|\t2||", 400),
            refuse("space before the colon (RFC 9112 5.1)", "GET / HTTP/1.1|Host : a||", 400),
            refuse("tab before the colon (RFC 9112 5.1)", POST + "Content-Length\t: 3||abc", 400),
            refuse("field name with parentheses (RFC 9110 5.1)", "GET / HTTP/1.1|Host: a|X(A): 1||", 400),
            refuse("field name with a space (RFC 9110 5.1)", "GET / HTTP/1.1|Host: a|X A: 1||", 400),
            refuse("empty field name (RFC 9110 5.1)", "GET / HTTP/1.1|Host: a|: 1||", 400),
            refuse("field name with a non-ASCII byte (RFC 9110 5.1)", "GET / HTTP/1.1|Host: a|X\u00e9: 1||", 400),
            refuse("field line without a colon (RFC 9112 5)", "GET / HTTP/1.1|Host: a|Garbage||", 400),
            // ---- request line and target ----
            refuse("HTTP/0.9 simple request (RFC 9112 2.3)", "GET /||", 400),
            exchange("HTTP/1.2 is refused, not guessed (RFC 9110 2.5, 15.6.6)", "GET / HTTP/1.2|Host: a||", List.of(505), true),
            exchange("HTTP/2.0 request line (RFC 9110 15.6.6)", "GET / HTTP/2.0|Host: a||", List.of(505), true),
            exchange("HTTP/2 preface on an HTTP/1.1 listener (RFC 9113 3.4)", "PRI * HTTP/2.0||SM||", List.of(505), true),
            refuse("version in lower case (RFC 9112 2.3)", "GET / http/1.1|Host: a||", 400),
            refuse("two spaces in the request line (RFC 9112 3)", "GET  / HTTP/1.1|Host: a||", 400),
            refuse("invalid byte in the method (RFC 9110 9.1)", "G(T / HTTP/1.1|Host: a||", 400),
            refuse("CR inside the request target (RFC 9112 3.2)", "GET /a\rb HTTP/1.1|Host: a||", 400),
            refuse("NUL inside the request target (RFC 9112 3.2)", "GET /a\u0000b HTTP/1.1|Host: a||", 400),
            refuse("raw non-ASCII in the request target (RFC 9112 3.2, RFC 3986 2)", "GET /\u00c0\u00ae HTTP/1.1|Host: a||", 400),
            forward("absolute-form: its authority replaces Host (RFC 9112 3.2.2)",
                    "GET http://example.com/p?q=1 HTTP/1.1|Host: other||", 200, header("Host", "example.com"),
                    "GET /p?q=1 HTTP/1.1 ; none ; "),
            forward("absolute-form without a path (RFC 9112 3.2.2)", "GET http://example.com HTTP/1.1|Host: example.com||",
                    200, "GET / HTTP/1.1 ; none ; "),
            refuse("absolute-form with userinfo (RFC 9110 4.2.4)", "GET http://u:p@example.com/ HTTP/1.1|Host: example.com||", 400),
            refuse("absolute-form with another scheme (RFC 9112 3.2.2)", "GET ftp://example.com/ HTTP/1.1|Host: example.com||", 400),
            refuse("absolute-form with two Host fields (RFC 9112 3.2)",
                    "GET http://example.com/ HTTP/1.1|Host: a|Host: b||", 400),
            refuse("authority-form outside CONNECT (RFC 9112 3.2.3)", "GET example.com:80 HTTP/1.1|Host: example.com||", 400),
            refuse("CONNECT is not proxied (RFC 9110 9.3.6)", "CONNECT example.com:443 HTTP/1.1|Host: example.com:443||", 405),
            exchange("asterisk-form OPTIONS: no route serves it, Palisade answers (RFC 9112 3.2.4)",
                    "OPTIONS * HTTP/1.1|Host: a||", List.of(404), false),
            refuse("asterisk-form outside OPTIONS (RFC 9112 3.2.4)", "GET * HTTP/1.1|Host: a||", 400),
            exchange("TRACE is refused (RFC 9110 9.3.8)", "TRACE / HTTP/1.1|Host: a||", List.of(405), false),
            // ---- Host ----
            refuse("missing Host (RFC 9112 3.2)", "GET / HTTP/1.1||", 400),
            refuse("two Host fields (RFC 9112 3.2)", "GET / HTTP/1.1|Host: a|Host: b||", 400),
            refuse("two Host fields with one value (RFC 9112 3.2)", "GET / HTTP/1.1|Host: a|Host: a||", 400),
            refuse("Host as a list (RFC 9110 7.2)", "GET / HTTP/1.1|Host: a, b||", 400),
            refuse("Host with userinfo (RFC 9110 4.2.4)", "GET / HTTP/1.1|Host: user@a||", 400),
            refuse("Host with a non-numeric port (RFC 9110 7.2)", "GET / HTTP/1.1|Host: a:8o||", 400),
            refuse("Host with a port over 65535 (RFC 9110 7.2)", "GET / HTTP/1.1|Host: a:65536||", 400),
            refuse("Host with a control byte (RFC 9110 5.5)", "GET / HTTP/1.1|Host: a\u0001b||", 400),
            refuse("Host with a path (RFC 9110 7.2)", "GET / HTTP/1.1|Host: a/b||", 400),
            exchange("HTTP/1.0 without Host gets one (RFC 9112 3.2)", "GET /h10 HTTP/1.0||", List.of(200), true,
                    "GET /h10 HTTP/1.1 ; none ; "),
            // ---- limits ----
            refuse("request line over the limit (RFC 9112 3, RFC 9110 15.5.15)",
                    "GET /" + "a".repeat(9000) + " HTTP/1.1|Host: a||", 414),
            refuse("header section over the limit (RFC 6585 5)", "GET / HTTP/1.1|Host: a|X-Big: " + "b".repeat(17000) + "||", 431),
            refuse("more fields than the limit (RFC 6585 5)", "GET / HTTP/1.1|Host: a|" + "X-H: v|".repeat(101) + "|", 431),
            // ---- pipelining ----
            exchange("pipelined requests with a body between (RFC 9112 9.3.2)",
                    POST + "Content-Length: 5||helloGET /b HTTP/1.1|Host: a|Connection: close||", List.of(200, 200), true,
                    "POST / HTTP/1.1 ; length 5 ; hello", "GET /b HTTP/1.1 ; none ; "),
            exchange("pipelined after a chunked body (RFC 9112 9.3.2)",
                    POST + "Transfer-Encoding: chunked||3|abc|0||GET /b HTTP/1.1|Host: a|Connection: close||",
                    List.of(200, 200), true, "POST / HTTP/1.1 ; chunked ; abc", "GET /b HTTP/1.1 ; none ; "),
            forward("a body that looks like a request stays a body (RFC 9112 6.3)",
                    POST + "Content-Length: 32||GET /admin HTTP/1.1|Host: a||", 200,
                    "POST / HTTP/1.1 ; length 32 ; GET /admin HTTP/1.1\r\nHost: a\r\n\r\n"),
            exchange("a smuggling request after a good one: only the good one is forwarded (RFC 9112 6.1)",
                    "GET /one HTTP/1.1|Host: a||" + POST + "Content-Length: 6|Transfer-Encoding: chunked||0||G",
                    List.of(200, 400), true, "GET /one HTTP/1.1 ; none ; "),
            exchange("a request refused with keep-alive, then a pipelined one (RFC 9112 9.3.2)",
                    "TRACE / HTTP/1.1|Host: a||GET /after HTTP/1.1|Host: a||", List.of(405, 200), false,
                    "GET /after HTTP/1.1 ; none ; "),
            exchange("an unmet expectation with keep-alive, then a pipelined one (RFC 9110 10.1.1)",
                    "GET / HTTP/1.1|Host: a|Expect: x||GET /after HTTP/1.1|Host: a||", List.of(417, 200), false,
                    "GET /after HTTP/1.1 ; none ; "),
            exchange("nothing after a refused request is read (RFC 9112 9.6)",
                    "GET / HTTP/1.1|Host : a||GET /two HTTP/1.1|Host: a||", List.of(400), true),
            // ---- Expect ----
            forward("Expect: 100-continue with the body sent at once (RFC 9110 10.1.1)",
                    POST + "Content-Length: 4|Expect: 100-continue||body", 200, absent("Expect"),
                    "POST / HTTP/1.1 ; length 4 ; body").withStatuses(List.of(100, 200)),
            refuse("Expect with another expectation (RFC 9110 10.1.1)", POST + "Content-Length: 4|Expect: 200-ok||body", 417),
            refuse("Expect twice (RFC 9110 10.1.1)", POST + "Content-Length: 4|Expect: 100-continue|Expect: 100-continue||body", 417),
            exchange("Expect: 100-continue on HTTP/1.0 is ignored, no 1xx sent (RFC 9110 10.1.1, 15.2)",
                    "POST /e HTTP/1.0|Host: a|Content-Length: 4|Expect: 100-continue||body", List.of(200), true,
                    "POST /e HTTP/1.1 ; length 4 ; body"),
            exchange("Expect: 100-continue on a refused request: its body is never forwarded (RFC 9110 10.1.1)",
                    "TRACE / HTTP/1.1|Host: a|Content-Length: 35|Expect: 100-continue||GET /smuggled HTTP/1.1|Host: a||",
                    List.of(405), true),
            // ---- Upgrade ----
            forward("h2c upgrade is not passed on (RFC 9113 3.1, RFC 9110 7.8)", h2c, 200,
                    absent("Upgrade", "HTTP2-Settings", "Connection"), "GET /h2c HTTP/1.1 ; none ; "),
            exchange("h2c upgrade followed by the HTTP/2 preface (RFC 9113 3.4)", h2c + "PRI * HTTP/2.0||SM||",
                    List.of(200, 505), true, "GET /h2c HTTP/1.1 ; none ; "),
            forward("Upgrade other than WebSocket is not passed on (RFC 9110 7.8)",
                    "GET /u HTTP/1.1|Host: a|Upgrade: foo/1|Connection: Upgrade||", 200, absent("Upgrade"),
                    "GET /u HTTP/1.1 ; none ; "),
            exchange("WebSocket upgrade on HTTP/1.0 is ignored (RFC 9110 7.8)", "GET /w HTTP/1.0|Host: a|" + ws + "|",
                    List.of(200), true, "GET /w HTTP/1.1 ; none ; ").withCheck(absent("Upgrade")),
            forward("WebSocket upgrade without a key is not passed on (RFC 6455 4.1)",
                    "GET /w HTTP/1.1|Host: a|Upgrade: websocket|Connection: Upgrade||", 200, absent("Upgrade"),
                    "GET /w HTTP/1.1 ; none ; "),
            forward("a well-formed WebSocket upgrade is passed on (RFC 6455 4.1)", "GET /w HTTP/1.1|Host: a|" + ws + "|",
                    101, header("Upgrade", "websocket"), "GET /w HTTP/1.1 ; none ; "),
            forward("Connection cannot nominate Content-Length (RFC 9110 7.6.1)",
                    POST + "Connection: Content-Length|Content-Length: 3||abc", 200, "POST / HTTP/1.1 ; length 3 ; abc"),
            forward("Connection cannot nominate Host (RFC 9110 7.6.1)", "GET / HTTP/1.1|Host: a|Connection: Host||", 200,
                    header("Host", "a"), "GET / HTTP/1.1 ; none ; "),
            // ---- path tricks ----
            refuse("dot-dot above the root (RFC 3986 5.2.4)", "GET /../../etc/passwd HTTP/1.1|Host: a||", 400),
            refuse("dot-dot inside the path (RFC 3986 5.2.4)", "GET /public/../admin HTTP/1.1|Host: a||", 400),
            refuse("single dot segment (RFC 3986 5.2.4)", "GET /a/./b HTTP/1.1|Host: a||", 400),
            refuse("percent-encoded dots (RFC 3986 2.3, 6.2.2.2)", "GET /%2e%2e/etc/passwd HTTP/1.1|Host: a||", 400),
            refuse("mixed encoded and raw dots (RFC 3986 6.2.2.2)", "GET /a/%2E./b HTTP/1.1|Host: a||", 400),
            refuse("dots between encoded slashes (RFC 3986 2.2)", "GET /a/..%2fadmin HTTP/1.1|Host: a||", 400),
            refuse("dots between encoded backslashes", "GET /a%5c..%5cadmin HTTP/1.1|Host: a||", 400),
            refuse("overlong UTF-8 dots (RFC 3629 3)", "GET /%c0%ae%c0%ae/etc/passwd HTTP/1.1|Host: a||", 400),
            refuse("overlong UTF-8 slash (RFC 3629 3)", "GET /..%c0%af..%c0%afetc/passwd HTTP/1.1|Host: a||", 400),
            refuse("dot-dot with a path parameter ..;/ (RFC 3986 3.3)", "GET /public/..;/admin HTTP/1.1|Host: a||", 400),
            refuse("raw backslashes (RFC 3986 2)", "GET /a\\..\\admin HTTP/1.1|Host: a||", 400),
            refuse("percent-encoded NUL (RFC 9110 5.5)", "GET /file%00.html HTTP/1.1|Host: a||", 400),
            forward("encoded slash without dots passes unchanged (RFC 3986 2.2)", "GET /a%2fb HTTP/1.1|Host: a||", 200,
                    "GET /a%2fb HTTP/1.1 ; none ; "),
            forward("dots inside a segment are no dot-segment (RFC 3986 3.3)",
                    "GET /.well-known/a..b/c.d?x=/../ HTTP/1.1|Host: a||", 200,
                    "GET /.well-known/a..b/c.d?x=/../ HTTP/1.1 ; none ; ")
        );
    }

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        origin = new RecordingOrigin();
        Files.createDirectories(dir.resolve("rules"));
        PalisadeConfig cfg = new PalisadeConfig(null, List.of(ListenerConfig.plain("http", new HostPort("127.0.0.1", 0))),
                List.of(new RouteConfig("default", "*", "/", "default")),
                Map.of("default", OriginGroupConfig.of("default", List.of(origin.hostPort()))),
                null, null, null, null, new RulesConfig(dir.resolve("rules"), "off"), null, null);
        proxy = PalisadeServer.start(cfg);
        port = proxy.port("http");
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void request(Case c) throws Exception {
        origin.reset();
        origin.respond(SmugglingTest::upgradeWhenAsked);
        List<Integer> got = new ArrayList<>();
        boolean closed;
        try (Socket s = connect()) {
            s.getOutputStream().write(c.raw().replace("|", CRLF).getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            while (got.size() < c.statuses().size()) {
                Response r = Response.read(in, false);
                if (r == null) {
                    break;
                }
                got.add(r.status);
                if (r.status == 101) {
                    break;
                }
            }
            assertEquals(c.statuses(), got, c.name() + ": statuses");
            closed = c.closed() && atEnd(in);
        }
        if (c.closed()) {
            assertTrue(closed, c.name() + ": the connection must be closed");
        }
        List<Request> reached = settle();
        List<String> summary = new ArrayList<>();
        for (Request r : reached) {
            summary.add(r.requestLine() + " ; " + r.framing() + " ; " + r.body());
            assertOneForm(c.name(), r);
        }
        assertEquals(c.atOrigin(), summary, c.name() + ": requests at the origin");
        for (String g : origin.garbage()) {
            assertTrue(c.cutBody() && g.startsWith("cut: ") && reached.isEmpty(),
                    c.name() + ": bytes the origin could not frame: " + g);
        }
        if (!reached.isEmpty()) {
            c.check().accept(reached);
        }
    }

    // ---- response side: an origin that frames its answers ambiguously ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void response(String name, String answer, int status, String body, boolean originReused) throws Exception {
        origin.reset();
        origin.respond(r -> r.target().equals("/bad") ? answer.replace("|", CRLF) : RecordingOrigin.ok(r));
        try (Socket s = connect()) {
            InputStream in = s.getInputStream();
            s.getOutputStream().write("GET /bad HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Response first = Response.read(in, false);
            assertEquals(status, first == null ? -1 : first.status, name);
            if (body != null) {
                assertEquals(body, first.body, name);
            }
            int before = origin.connections();
            if (!first.closes && !atEnd(s, in)) {
                // the next request on this client connection gets the origin's real answer, never leftovers
                s.getOutputStream().write("GET /next HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                Response next = Response.read(in, false);
                assertEquals(200, next.status, name + ": next");
                assertEquals("ok /next", next.body, name + ": next");
                assertEquals(originReused, origin.connections() == before,
                        name + ": origin connection " + (originReused ? "reused" : "not reused"));
            }
        }
        List<String> targets = new ArrayList<>();
        for (Request r : settle()) {
            targets.add(r.target());
        }
        assertEquals("/bad", targets.get(0), name);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> responses() {
        return Stream.of(
            args("origin sends Content-Length and chunked: an error, not guessed (RFC 9112 6.3)",
                    "HTTP/1.1 200 OK|Content-Length: 2|Transfer-Encoding: chunked||3|abc|0||", 502, null, false),
            args("origin sends two Content-Lengths (RFC 9112 6.3)",
                    "HTTP/1.1 200 OK|Content-Length: 2|Content-Length: 3||abc", 502, null, false),
            args("origin sends a malformed Content-Length (RFC 9112 6.3)",
                    "HTTP/1.1 200 OK|Content-Length: -2||ab", 502, null, false),
            args("origin sends more than its Content-Length: the rest is not a response (RFC 9112 6.3)",
                    "HTTP/1.1 200 OK|Content-Length: 2||okHTTP/1.1 200 OK|Content-Length: 8||SMUGGLED", 200, "ok", false),
            args("origin answers 101 to a request that asked no upgrade (RFC 9110 15.2.2)",
                    "HTTP/1.1 101 Switching Protocols|Upgrade: h2c|Connection: Upgrade||", 502, null, false),
            args("origin sends a body with 204 (RFC 9110 15.3.5)",
                    "HTTP/1.1 204 No Content|Content-Length: 8||SMUGGLED", 204, "", false),
            args("origin sends chunked on HTTP/1.0 (RFC 9112 6.1)",
                    "HTTP/1.0 200 OK|Transfer-Encoding: chunked||3|abc|0||", 502, null, false)
        );
    }

    static org.junit.jupiter.params.provider.Arguments args(Object... a) {
        return org.junit.jupiter.params.provider.Arguments.of(a);
    }

    // ---- helpers ----

    /** A naive origin: it would switch protocols whenever asked, so only the proxy stands in the way. */
    static String upgradeWhenAsked(Request r) {
        List<String> up = r.values("Upgrade");
        if (!up.isEmpty()) {
            return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + up.get(0) + "\r\nConnection: Upgrade\r\n\r\n";
        }
        return RecordingOrigin.ok(r);
    }

    /** What every request at the origin must look like, whatever the client sent. */
    private static void assertOneForm(String name, Request r) {
        assertEquals(1, r.values("Host").size(), name + ": one Host");
        assertTrue(r.requestLine().endsWith(" HTTP/1.1"), name + ": " + r.requestLine());
        for (String hop : List.of("Expect", "TE", "Trailer", "Keep-Alive", "Proxy-Connection", "HTTP2-Settings")) {
            assertEquals(List.of(), r.values(hop), name + ": " + hop + " is not forwarded");
        }
        if (!r.values("Upgrade").isEmpty()) {
            assertEquals(List.of("websocket"), r.values("Upgrade"), name);
        }
        String wire = r.chunkWire();
        assertTrue(!wire.contains(";") && !wire.contains("trailer"), name + ": chunks as sent: " + wire);
        for (String l : r.headerLines()) {
            String n = l.substring(0, l.indexOf(':')).toLowerCase(Locale.ROOT);
            assertTrue(!n.isEmpty() && n.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f), name + ": field " + l);
        }
    }

    /** The origin's records once the proxy is done: a probe on a new connection comes after everything else. */
    private static List<Request> settle() throws IOException {
        String path = "/probe-" + (++probes);
        try (Socket s = connect()) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Response r = Response.read(s.getInputStream(), false);
            assertEquals(200, r.status, "the proxy still serves");
        }
        List<Request> out = new ArrayList<>(origin.requests());
        assertTrue(!out.isEmpty() && out.get(out.size() - 1).target().equals(path), "probe last: " + out);
        out.remove(out.size() - 1);
        return out;
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    private static boolean atEnd(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException e) {
            return true;
        }
    }

    /** Whether the server closed, without waiting long when it did not. */
    private static boolean atEnd(Socket s, InputStream in) throws IOException {
        s.setSoTimeout(200);
        try {
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        } finally {
            s.setSoTimeout(5000);
        }
    }

    /** One response read from the wire: Content-Length, chunked, or to the close. */
    record Response(int status, String body, boolean closes) {

        static Response read(InputStream in, boolean headRequest) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int c;
                try {
                    c = in.read();
                } catch (SocketException e) {
                    c = -1;
                }
                if (c < 0) {
                    return null;
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
                String lower = l.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(l.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:")) {
                    chunked = lower.contains("chunked");
                } else if (lower.startsWith("connection:")) {
                    close = lower.contains("close");
                }
            }
            if (status < 200 || status == 204 || status == 304 || headRequest) {
                return new Response(status, "", close);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                while (true) {
                    String size = line(in);
                    int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (n == 0) {
                        while (!line(in).isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    body.write(in.readNBytes(n));
                    line(in);
                }
            } else if (length >= 0) {
                body.write(in.readNBytes((int) length));
            } else {
                body.write(in.readAllBytes());
                close = true;
            }
            return new Response(status, body.toString(StandardCharsets.ISO_8859_1), close);
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
