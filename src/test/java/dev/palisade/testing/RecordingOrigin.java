package dev.palisade.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.palisade.config.HostPort;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * An origin that reads raw bytes, not through an HTTP codec, so it sees exactly what the proxy put on the
 * wire. It splits the byte stream of each connection into requests by the strictest reading of RFC 9112
 * (CRLF line ends, one Content-Length or one {@code Transfer-Encoding: chunked}, never both) and records
 * each request with its framing as sent. Bytes it cannot frame that way are recorded as {@link #garbage()}:
 * a proxy that forwards only unambiguous requests never produces any. It answers every request with the
 * {@link #responder} (default: 200 "ok TARGET" with a Content-Length).
 */
public final class RecordingOrigin implements AutoCloseable {

    /**
     * One request as it arrived.
     *
     * @param requestLine the first line, without CRLF
     * @param headerLines every field line in order, as sent
     * @param framing     "none", "length N" or "chunked"
     * @param body        the body bytes (de-chunked), ISO-8859-1
     * @param chunkWire   for chunked bodies: the chunk framing as sent (sizes, extensions and trailers), else ""
     */
    public record Request(String requestLine, List<String> headerLines, String framing, String body, String chunkWire) {

        /** All values of the field {@code name} (case-insensitive). */
        public List<String> values(String name) {
            List<String> out = new ArrayList<>();
            for (String l : headerLines) {
                int colon = l.indexOf(':');
                if (colon > 0 && l.substring(0, colon).equalsIgnoreCase(name)) {
                    out.add(l.substring(colon + 1).trim());
                }
            }
            return out;
        }

        public String target() {
            String[] p = requestLine.split(" ");
            return p.length > 1 ? p[1] : "";
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> garbage = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<Request, String> responder = RecordingOrigin::ok;

    public RecordingOrigin() {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(new Reader());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    /** The default answer: 200 with "ok TARGET". */
    public static String ok(Request r) {
        String body = "ok " + r.target();
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    public HostPort hostPort() {
        return new HostPort("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort());
    }

    /** Sets what the origin answers; the text is written as ISO-8859-1 bytes. */
    public void respond(Function<Request, String> r) {
        responder = r;
    }

    public List<Request> requests() {
        return requests;
    }

    /**
     * Bytes that did not frame as a request: "cut: " and the bytes of a request the connection closed in the
     * middle of, or "bad: " and bytes that cannot be framed at all.
     */
    public List<String> garbage() {
        return garbage;
    }

    /** Connections accepted since the last {@link #reset()}. */
    public int connections() {
        return connections.get();
    }

    public void reset() {
        connections.set(0);
        requests.clear();
        garbage.clear();
        responder = RecordingOrigin::ok;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Per connection: collects bytes and cuts requests off the front as soon as one is complete. */
    private final class Reader extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private boolean broken;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                pending.writeBytes(bytes);
            } finally {
                b.release();
            }
            if (broken) {
                return;
            }
            while (true) {
                String text = pending.toString(StandardCharsets.ISO_8859_1);
                Parse p = parse(text);
                if (p == null) {
                    return;
                }
                if (p.request == null) {
                    broken = true;
                    garbage.add("bad: " + text);
                    ctx.close();
                    return;
                }
                requests.add(p.request);
                pending.reset();
                pending.writeBytes(text.substring(p.consumed).getBytes(StandardCharsets.ISO_8859_1));
                ctx.writeAndFlush(Unpooled.copiedBuffer(responder.apply(p.request), StandardCharsets.ISO_8859_1));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!broken && pending.size() > 0) {
                garbage.add("cut: " + pending.toString(StandardCharsets.ISO_8859_1));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** A complete request and how many characters it took; request null when the bytes cannot be framed. */
    private record Parse(Request request, int consumed) {}

    private static final Parse BAD = new Parse(null, 0);

    /** Null when more bytes are needed. */
    static Parse parse(String s) {
        int headEnd = s.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return s.indexOf('\n') >= 0 && !s.contains("\r\n") ? BAD : null;
        }
        String head = s.substring(0, headEnd);
        if (head.replace("\r\n", "").indexOf('\n') >= 0 || head.replace("\r\n", "").indexOf('\r') >= 0) {
            return BAD;
        }
        String[] lines = head.split("\r\n", -1);
        List<String> fields = List.of(lines).subList(1, lines.length);
        List<String> lengths = new ArrayList<>();
        List<String> codings = new ArrayList<>();
        for (String f : fields) {
            int colon = f.indexOf(':');
            if (colon <= 0 || f.charAt(0) == ' ' || f.charAt(0) == '\t' || f.charAt(colon - 1) == ' ') {
                return BAD;
            }
            String name = f.substring(0, colon).toLowerCase(Locale.ROOT);
            if (name.equals("content-length")) {
                lengths.add(f.substring(colon + 1).trim());
            } else if (name.equals("transfer-encoding")) {
                codings.add(f.substring(colon + 1).trim());
            }
        }
        int bodyStart = headEnd + 4;
        if (!lengths.isEmpty() && !codings.isEmpty() || lengths.size() > 1 || codings.size() > 1) {
            return BAD;
        }
        if (!codings.isEmpty()) {
            if (!codings.get(0).equals("chunked")) {
                return BAD;
            }
            return chunked(s, lines[0], fields, bodyStart);
        }
        if (!lengths.isEmpty()) {
            if (!lengths.get(0).matches("0|[1-9][0-9]{0,17}")) {
                return BAD;
            }
            long n = Long.parseLong(lengths.get(0));
            if (s.length() - bodyStart < n) {
                return null;
            }
            return new Parse(new Request(lines[0], fields, "length " + n, s.substring(bodyStart, bodyStart + (int) n), ""),
                    bodyStart + (int) n);
        }
        return new Parse(new Request(lines[0], fields, "none", "", ""), bodyStart);
    }

    private static Parse chunked(String s, String requestLine, List<String> fields, int at) {
        StringBuilder body = new StringBuilder();
        StringBuilder wire = new StringBuilder();
        int pos = at;
        while (true) {
            int eol = s.indexOf("\r\n", pos);
            if (eol < 0) {
                return null;
            }
            String sizeLine = s.substring(pos, eol);
            wire.append(sizeLine).append('|');
            String digits = sizeLine.contains(";") ? sizeLine.substring(0, sizeLine.indexOf(';')) : sizeLine;
            if (!digits.matches("[0-9a-fA-F]{1,15}")) {
                return BAD;
            }
            long size = Long.parseLong(digits, 16);
            pos = eol + 2;
            if (size == 0) {
                // trailer section up to an empty line
                while (true) {
                    int e = s.indexOf("\r\n", pos);
                    if (e < 0) {
                        return null;
                    }
                    String line = s.substring(pos, e);
                    pos = e + 2;
                    if (line.isEmpty()) {
                        return new Parse(new Request(requestLine, fields, "chunked", body.toString(), wire.toString()), pos);
                    }
                    wire.append("trailer ").append(line).append('|');
                }
            }
            if (s.length() < pos + size + 2) {
                return null;
            }
            body.append(s, pos, pos + (int) size);
            if (!s.startsWith("\r\n", pos + (int) size)) {
                return BAD;
            }
            pos += (int) size + 2;
        }
    }
}
