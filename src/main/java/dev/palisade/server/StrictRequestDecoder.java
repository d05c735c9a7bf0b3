package dev.palisade.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.palisade.pipeline.ErrorKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Reads HTTP/1.1 requests from client bytes, strictly (RFC 9112). Sits right after TLS in the client
 * pipeline; emits one {@link DefaultHttpRequest}, then its body as {@code HttpContent} ending with a
 * {@code LastHttpContent} (a request without a body comes as one {@code FullHttpRequest}), or one
 * {@link DecodeFailure} after which it reads nothing more.
 *
 * <p>Anything a front end and an origin could read differently is refused rather than repaired: bare
 * LF, obs-fold, control bytes in a field, whitespace before the colon, Content-Length together with
 * Transfer-Encoding, repeated or malformed Content-Length, any transfer coding but a single
 * {@code chunked}, a chunk size that overflows, a missing or repeated Host. Trailer fields are read and
 * dropped. The request forwarded is re-framed by the proxy, so the origin sees one form only.
 *
 * <p>After a complete request the decoder pauses until the handler calls {@link #resume()} once the
 * response is written, so pipelined requests are answered in order; bytes that arrive meanwhile wait in
 * the buffer, and past one request head's worth the socket is not read any more, so they never pile up. It also owns the connection's two timers: the header deadline (the whole head
 * must arrive within that time of its first byte, however slowly it trickles) and the keep-alive idle
 * timeout; a loop acts on a bounded number of them per millisecond ({@link ExpiryBudget}).
 */
final class StrictRequestDecoder extends ByteToMessageDecoder {

    private enum State { HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, TUNNEL, FAILED }

    private static final int MAX_CHUNK_LINE = 4096;
    private static final int MAX_LEADING_EMPTY_LINES = 4;

    private final int maxRequestLine;
    private final int maxHeaderSize;
    private final int maxHeaders;
    private final long maxBody;
    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;

    private ChannelHandlerContext ctx;
    private State state = State.HEAD;
    private boolean paused;
    private boolean decoding;
    private long remaining;
    private long bodySoFar;

    private int scanned;
    private int lines;
    private int headersFrom;
    private int leadingEmpty;
    private long headStart;
    private long idleSince;
    private ScheduledFuture<?> timer;

    StrictRequestDecoder(int maxRequestLine, int maxHeaderSize, int maxHeaders, long maxBody,
                         long headerTimeoutNanos, long idleTimeoutNanos) {
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderSize = maxHeaderSize;
        this.maxHeaders = maxHeaders;
        this.maxBody = maxBody;
        this.headerTimeoutNanos = headerTimeoutNanos;
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        long now = System.nanoTime();
        headStart = now;
        idleSince = now;
        arm(headerTimeoutNanos);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** Whether a request is complete and its response not yet finished. */
    boolean paused() {
        return paused;
    }

    /** Called once the response to the current request is written and the connection stays open. */
    void resume() {
        if (state != State.HEAD || !paused) {
            return;
        }
        paused = false;
        long now = System.nanoTime();
        idleSince = now;
        ByteBuf pending = internalBuffer();
        headStart = pending.isReadable() ? now : 0;
        readOn();
        if (pending.isReadable()) {
            decodePending();
        }
    }

    /**
     * Decodes what is already buffered, as if it had just been read. Not while this decoder's own loop runs:
     * an answer written at once (a refusal with keep-alive) resumes from inside that loop, which then goes on
     * with the buffered bytes by itself; a nested read there would release the buffer the loop still holds.
     */
    private void decodePending() {
        if (decoding) {
            return;
        }
        try {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
        } catch (Exception e) {
            ctx.fireExceptionCaught(e);
        }
    }

    /** After a 101 answer: from now on every byte is passed on as a plain ByteBuf. */
    void startTunnel() {
        state = State.TUNNEL;
        paused = false;
        if (timer != null) {
            timer.cancel(false);
        }
        readOn();
        if (internalBuffer().isReadable()) {
            decodePending();
        }
    }

    @Override
    protected void callDecode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decoding = true;
        try {
            super.callDecode(ctx, in, out);
        } finally {
            decoding = false;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEAD:
                if (!paused) {
                    decodeHead(in, out);
                } else if (in.readableBytes() > maxRequestLine + maxHeaderSize) {
                    // pipelined requests pile up while the current one is answered: stop reading until then
                    ctx.channel().config().setAutoRead(false);
                }
                break;
            case FIXED:
                readFixed(in, out);
                break;
            case CHUNK_SIZE:
                readChunkSize(in);
                break;
            case CHUNK_DATA:
                readChunkData(in, out);
                break;
            case CHUNK_END:
                readChunkEnd(in);
                break;
            case TRAILERS:
                readTrailers(in, out);
                break;
            case TUNNEL:
                out.add(in.readRetainedSlice(in.readableBytes()));
                break;
            default:
                in.skipBytes(in.readableBytes());
        }
    }

    // ---- request head ----

    private void decodeHead(ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (headStart == 0) {
            headStart = System.nanoTime();
        }
        int start = in.readerIndex();
        int end = in.writerIndex();
        int lineStart = start + scanned;
        while (true) {
            int lf = in.indexOf(lineStart, end, (byte) '\n');
            if (lf < 0) {
                int pending = end - lineStart;
                if (lines == 0 && pending > maxRequestLine) {
                    fail(in, out, ErrorKind.URI_TOO_LONG, "request line longer than " + maxRequestLine);
                } else if (lines > 0 && end - (start + headersFrom) > maxHeaderSize) {
                    fail(in, out, ErrorKind.HEADERS_TOO_LARGE, "header section larger than " + maxHeaderSize);
                }
                scanned = lineStart - start;
                return;
            }
            if (lf == lineStart || in.getByte(lf - 1) != '\r') {
                fail(in, out, ErrorKind.BAD_REQUEST, "bare LF in the request head");
                return;
            }
            int len = lf - 1 - lineStart;
            if (len == 0) {
                if (lines == 0) {
                    // RFC 9112 2.2: empty lines before the request line are ignored, a few of them
                    if (++leadingEmpty > MAX_LEADING_EMPTY_LINES) {
                        fail(in, out, ErrorKind.BAD_REQUEST, "too many empty lines before the request line");
                        return;
                    }
                    in.readerIndex(lf + 1);
                    start = lf + 1;
                    lineStart = start;
                    continue;
                }
                parseHead(in, start, lf + 1, out);
                return;
            }
            if (lines == 0 && len > maxRequestLine) {
                fail(in, out, ErrorKind.URI_TOO_LONG, "request line longer than " + maxRequestLine);
                return;
            }
            if (lines == 0) {
                headersFrom = lf + 1 - start;
            } else if (lf + 1 - (start + headersFrom) > maxHeaderSize) {
                fail(in, out, ErrorKind.HEADERS_TOO_LARGE, "header section larger than " + maxHeaderSize);
                return;
            }
            lines++;
            if (lines - 1 > maxHeaders) {
                fail(in, out, ErrorKind.HEADERS_TOO_LARGE, "more than " + maxHeaders + " header fields");
                return;
            }
            lineStart = lf + 1;
        }
    }

    private void parseHead(ByteBuf in, int start, int headEnd, List<Object> out) {
        scanned = 0;
        lines = 0;
        leadingEmpty = 0;
        int lineEnd = in.indexOf(start, headEnd, (byte) '\n') - 1;
        int sp1 = in.indexOf(start, lineEnd, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : in.indexOf(sp1 + 1, lineEnd, (byte) ' ');
        if (sp1 <= start || sp2 < 0 || sp2 == sp1 + 1 || in.indexOf(sp2 + 1, lineEnd, (byte) ' ') >= 0) {
            fail(in, out, ErrorKind.BAD_REQUEST, "request line is not 'method target version'");
            return;
        }
        if (!HeadRules.all(in, start, sp1, HeadRules.TOKEN_BYTES)) {
            fail(in, out, ErrorKind.BAD_REQUEST, "invalid byte in the method");
            return;
        }
        if (!HeadRules.all(in, sp1 + 1, sp2, HeadRules.TARGET_BYTES)) {
            fail(in, out, ErrorKind.BAD_REQUEST, "invalid byte in the request target");
            return;
        }
        String method = in.toString(start, sp1 - start, StandardCharsets.US_ASCII);
        String target = in.toString(sp1 + 1, sp2 - sp1 - 1, StandardCharsets.US_ASCII);
        String versionText = in.toString(sp2 + 1, lineEnd - sp2 - 1, StandardCharsets.US_ASCII);
        HttpVersion version;
        if (versionText.equals("HTTP/1.1")) {
            version = HttpVersion.HTTP_1_1;
        } else if (versionText.equals("HTTP/1.0")) {
            version = HttpVersion.HTTP_1_0;
        } else if (versionText.length() == 8 && versionText.startsWith("HTTP/") && Character.isDigit(versionText.charAt(5))
                && versionText.charAt(6) == '.' && Character.isDigit(versionText.charAt(7))) {
            fail(in, out, ErrorKind.VERSION_NOT_SUPPORTED, "unsupported version " + versionText);
            return;
        } else {
            fail(in, out, ErrorKind.BAD_REQUEST, "invalid protocol version");
            return;
        }

        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        int pos = lineEnd + 2;
        while (pos < headEnd - 2) {
            int lf = in.indexOf(pos, headEnd, (byte) '\n');
            int eol = lf - 1;
            byte first = in.getByte(pos);
            if (first == ' ' || first == '\t') {
                fail(in, out, ErrorKind.BAD_REQUEST, "obs-fold line in the header section");
                return;
            }
            int colon = in.indexOf(pos, eol, (byte) ':');
            if (colon <= pos) {
                fail(in, out, ErrorKind.BAD_REQUEST, "header line without a field name");
                return;
            }
            if (!HeadRules.all(in, pos, colon, HeadRules.TOKEN_BYTES)) {
                fail(in, out, ErrorKind.BAD_REQUEST, "invalid byte in a field name");
                return;
            }
            int vs = colon + 1;
            int ve = eol;
            while (vs < ve && isOws(in.getByte(vs))) {
                vs++;
            }
            while (ve > vs && isOws(in.getByte(ve - 1))) {
                ve--;
            }
            if (!HeadRules.all(in, vs, ve, HeadRules.VALUE_BYTES)) {
                fail(in, out, ErrorKind.BAD_REQUEST, "control byte in a field value");
                return;
            }
            headers.add(in.toString(pos, colon - pos, StandardCharsets.US_ASCII),
                    in.toString(vs, ve - vs, StandardCharsets.ISO_8859_1));
            pos = lf + 1;
        }

        if (method.equals("CONNECT")) {
            fail(in, out, ErrorKind.METHOD_NOT_ALLOWED, "CONNECT is not proxied");
            return;
        }
        String uri = target;
        if (target.charAt(0) != '/') {
            if (target.equals("*") && method.equals("OPTIONS")) {
                uri = target;
            } else {
                String authority = absoluteAuthority(target);
                if (authority == null) {
                    fail(in, out, ErrorKind.BAD_REQUEST, "request target is neither origin-form nor absolute-form");
                    return;
                }
                // RFC 9112 3.2.2: the authority of an absolute-form target replaces Host
                int pathAt = target.indexOf('/', target.indexOf("//") + 2);
                int queryAt = target.indexOf('?', target.indexOf("//") + 2);
                int cut = pathAt < 0 ? queryAt : queryAt < 0 ? pathAt : Math.min(pathAt, queryAt);
                uri = cut < 0 ? "/" : target.charAt(cut) == '?' ? "/" + target.substring(cut) : target.substring(cut);
                if (headers.getAll(HttpHeaderNames.HOST).size() > 1) {
                    fail(in, out, ErrorKind.BAD_REQUEST, "more than one Host field");
                    return;
                }
                headers.set(HttpHeaderNames.HOST, authority);
            }
        }
        String pathProblem = uri.equals("*") ? null : TargetPath.problem(uri);
        if (pathProblem != null) {
            fail(in, out, ErrorKind.BAD_REQUEST, pathProblem);
            return;
        }
        List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
        if (hosts.size() > 1 || (hosts.isEmpty() && version == HttpVersion.HTTP_1_1)) {
            fail(in, out, ErrorKind.BAD_REQUEST, hosts.isEmpty() ? "missing Host" : "more than one Host field");
            return;
        }
        if (!hosts.isEmpty() && !HeadRules.validHost(hosts.get(0))) {
            fail(in, out, ErrorKind.BAD_REQUEST, "invalid Host value");
            return;
        }

        List<String> lengths = headers.getAll(HttpHeaderNames.CONTENT_LENGTH);
        List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
        long length = 0;
        boolean chunked = false;
        if (!codings.isEmpty()) {
            if (!lengths.isEmpty()) {
                fail(in, out, ErrorKind.BAD_REQUEST, "both Content-Length and Transfer-Encoding");
                return;
            }
            if (version != HttpVersion.HTTP_1_1) {
                fail(in, out, ErrorKind.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request");
                return;
            }
            if (codings.size() != 1 || !codings.get(0).equalsIgnoreCase("chunked")) {
                fail(in, out, ErrorKind.BAD_REQUEST, "transfer coding other than a single chunked");
                return;
            }
            chunked = true;
        } else if (!lengths.isEmpty()) {
            if (lengths.size() > 1) {
                fail(in, out, ErrorKind.BAD_REQUEST, "more than one Content-Length");
                return;
            }
            length = parseLength(lengths.get(0));
            if (length < 0) {
                fail(in, out, ErrorKind.BAD_REQUEST, "malformed Content-Length");
                return;
            }
            if (lengths.get(0).length() > 1 && lengths.get(0).charAt(0) == '0') {
                // leading zeros: the origin gets the plain number, one form only
                headers.set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(length));
            }
            if (maxBody > 0 && length > maxBody) {
                fail(in, out, ErrorKind.BODY_TOO_LARGE, "Content-Length " + length + " over the limit " + maxBody);
                return;
            }
        }

        in.readerIndex(headEnd);
        headStart = 0;
        bodySoFar = 0;
        HttpMethod m = HttpMethod.valueOf(method);
        if (chunked) {
            out.add(new DefaultHttpRequest(version, m, uri, headers));
            state = State.CHUNK_SIZE;
        } else if (length > 0) {
            out.add(new DefaultHttpRequest(version, m, uri, headers));
            remaining = length;
            state = State.FIXED;
        } else {
            // no body: one message, so the proxy can write head and end to the origin in one go
            out.add(new DefaultFullHttpRequest(version, m, uri, Unpooled.EMPTY_BUFFER, headers, EmptyHttpHeaders.INSTANCE));
            messageDone();
        }
    }

    private static String absoluteAuthority(String target) {
        int sep = target.indexOf("://");
        if (sep <= 0) {
            return null;
        }
        String scheme = target.substring(0, sep);
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return null;
        }
        int from = sep + 3;
        int end = from;
        while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
            end++;
        }
        String authority = target.substring(from, end);
        return authority.isEmpty() || authority.indexOf('@') >= 0 || !HeadRules.validHost(authority) ? null : authority;
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    /** Digits only, at most 18 of them; -1 when malformed. */
    private static long parseLength(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    // ---- bodies ----

    private void readFixed(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(remaining, in.readableBytes());
        if (n == 0) {
            return;
        }
        ByteBuf slice = in.readRetainedSlice(n);
        remaining -= n;
        if (remaining == 0) {
            out.add(new DefaultLastHttpContent(slice));
            messageDone();
        } else {
            out.add(new DefaultHttpContent(slice));
        }
    }

    private void readChunkSize(ByteBuf in) {
        int start = in.readerIndex();
        int lf = in.indexOf(start, Math.min(in.writerIndex(), start + MAX_CHUNK_LINE), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() >= MAX_CHUNK_LINE) {
                failBody(in, ErrorKind.BAD_REQUEST, "chunk-size line too long");
            }
            return;
        }
        if (lf == start || in.getByte(lf - 1) != '\r') {
            failBody(in, ErrorKind.BAD_REQUEST, "bare LF after a chunk size");
            return;
        }
        int eol = lf - 1;
        long size = 0;
        int i = start;
        for (; i < eol; i++) {
            int d = Character.digit(in.getByte(i), 16);
            if (d < 0) {
                break;
            }
            if (i - start >= 15) {
                failBody(in, ErrorKind.BAD_REQUEST, "chunk size overflows");
                return;
            }
            size = size * 16 + d;
        }
        if (i == start) {
            failBody(in, ErrorKind.BAD_REQUEST, "chunk size is not hexadecimal");
            return;
        }
        // chunk extensions: BWS ; name [= value]; ignored, but only well-formed bytes are accepted
        for (int j = i; j < eol; j++) {
            byte b = in.getByte(j);
            if (!(HeadRules.value(b)) || (j == i && b != ';' && b != ' ' && b != '\t')) {
                failBody(in, ErrorKind.BAD_REQUEST, "malformed chunk extension");
                return;
            }
        }
        in.readerIndex(lf + 1);
        if (size == 0) {
            state = State.TRAILERS;
            scanned = 0;
            return;
        }
        bodySoFar += size;
        if (maxBody > 0 && bodySoFar > maxBody) {
            failBody(in, ErrorKind.BODY_TOO_LARGE, "chunked body over the limit " + maxBody);
            return;
        }
        remaining = size;
        state = State.CHUNK_DATA;
    }

    private void readChunkData(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(remaining, in.readableBytes());
        if (n == 0) {
            return;
        }
        out.add(new DefaultHttpContent(in.readRetainedSlice(n)));
        remaining -= n;
        if (remaining == 0) {
            state = State.CHUNK_END;
        }
    }

    private void readChunkEnd(ByteBuf in) {
        if (in.readableBytes() < 2) {
            return;
        }
        if (in.getByte(in.readerIndex()) != '\r' || in.getByte(in.readerIndex() + 1) != '\n') {
            failBody(in, ErrorKind.BAD_REQUEST, "chunk data not followed by CRLF");
            return;
        }
        in.skipBytes(2);
        state = State.CHUNK_SIZE;
    }

    /** Trailer fields are checked like header fields and then dropped: none of them reaches the origin. */
    private void readTrailers(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int lineStart = start + scanned;
        while (true) {
            int lf = in.indexOf(lineStart, in.writerIndex(), (byte) '\n');
            if (lf < 0) {
                if (in.writerIndex() - start > maxHeaderSize) {
                    failBody(in, ErrorKind.HEADERS_TOO_LARGE, "trailer section too large");
                }
                scanned = lineStart - start;
                return;
            }
            if (lf == lineStart || in.getByte(lf - 1) != '\r') {
                failBody(in, ErrorKind.BAD_REQUEST, "bare LF in the trailer section");
                return;
            }
            if (!HeadRules.all(in, lineStart, lf - 1, HeadRules.VALUE_BYTES)) {
                failBody(in, ErrorKind.BAD_REQUEST, "control byte in a trailer field");
                return;
            }
            if (lf - 1 == lineStart) {
                in.readerIndex(lf + 1);
                scanned = 0;
                out.add(LastHttpContent.EMPTY_LAST_CONTENT);
                messageDone();
                return;
            }
            lineStart = lf + 1;
        }
    }

    /**
     * The request is complete. Reading goes on (a client that closes is noticed, and toggling the socket's
     * read interest costs two system calls per request); what arrives meanwhile is buffered, not decoded,
     * and reading stops only when more than one request head's worth piles up.
     */
    private void messageDone() {
        state = State.HEAD;
        paused = true;
    }

    /** Reading back on, if back-pressure or a pipelining client had turned it off. */
    private void readOn() {
        if (!ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void fail(ByteBuf in, List<Object> out, ErrorKind kind, String detail) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        out.add(new DecodeFailure(kind, detail));
    }

    private void failBody(ByteBuf in, ErrorKind kind, String detail) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        ctx.fireChannelRead(new DecodeFailure(kind, detail));
    }

    // ---- timers ----

    private void arm(long delayNanos) {
        timer = ctx.executor().schedule(this::tick, Math.max(delayNanos, 1_000_000L), TimeUnit.NANOSECONDS);
    }

    private void tick() {
        timer = null;
        if (state == State.FAILED || state == State.TUNNEL || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (state == State.HEAD && !paused) {
            // a head under way has the header deadline, an idle connection the idle timeout
            boolean headUnderWay = headStart != 0;
            long due = headUnderWay ? headStart + headerTimeoutNanos : idleSince + idleTimeoutNanos;
            if (now - due < 0) {
                arm(due - now);
            } else if (!ExpiryBudget.shared().take()) {
                arm(ExpiryBudget.WINDOW_NANOS);
            } else {
                // nothing is decoded after this; an idle connection has no bytes waiting
                state = State.FAILED;
                if (headUnderWay && (internalBuffer().isReadable() || leadingEmpty > 0)) {
                    ctx.fireChannelRead(new DecodeFailure(ErrorKind.REQUEST_TIMEOUT, "request head not complete in time"));
                } else {
                    ctx.close();
                }
            }
            return;
        }
        arm(headerTimeoutNanos);
    }
}
