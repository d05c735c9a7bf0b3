package dev.palisade.server;

import java.net.ConnectException;
import java.util.ArrayDeque;

import javax.net.ssl.SSLHandshakeException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.balance.FailureKind;
import dev.palisade.balance.OriginGroup;
import dev.palisade.balance.Pick;
import dev.palisade.config.HostPort;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.forward.OriginEndpoint;
import dev.palisade.forward.OriginListener;
import dev.palisade.forward.OriginPool;
import dev.palisade.observe.Metrics;
import dev.palisade.pipeline.EdgeException;
import dev.palisade.pipeline.ErrorKind;
import dev.palisade.pipeline.Exchange;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;

/**
 * One request forwarded to one origin server: borrows a pooled connection on the client's event loop,
 * streams the request body up and the response body down, each direction throttled by the other side's
 * writability, and gives the connection back when both directions are complete. Failures before the
 * first response byte become Palisade's own page through {@link ClientHandler}; after it, the client
 * connection is cut so a truncated body is never mistaken for a whole one.
 */
final class ProxyCall implements OriginListener {

    private static final Logger log = LoggerFactory.getLogger(ProxyCall.class);

    private final ClientHandler client;
    private final ChannelHandlerContext ctx;
    private final Exchange ex;
    private final OriginGroup group;
    private final HttpRequest upstream;
    private final boolean websocket;
    private final PalisadeConfig config;
    private final SslContext originTls;

    private OriginEndpoint origin;
    private Pick pick;
    private Channel originChannel;
    private boolean reused;
    private boolean retried;
    private boolean headWritten;
    private boolean requestComplete;
    private boolean requestBodySent;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean originKeepAlive;
    private boolean tunnel;
    private boolean finished;
    private int status;
    private long bytesOut;
    private ArrayDeque<HttpContent> pending;

    ProxyCall(ClientHandler client, ChannelHandlerContext ctx, Exchange ex, OriginGroup group, HttpRequest upstream,
              boolean websocket, PalisadeConfig config, SslContext originTls) {
        this.client = client;
        this.ctx = ctx;
        this.ex = ex;
        this.group = group;
        this.upstream = upstream;
        this.websocket = websocket;
        this.config = config;
        this.originTls = originTls;
    }

    int status() {
        return status;
    }

    long bytesOut() {
        return bytesOut;
    }

    boolean responseStarted() {
        return responseStarted;
    }

    boolean requestComplete() {
        return requestComplete;
    }

    /** Starts with the attempt the balancer chose (never a refused one). */
    void start(Pick chosenPick) {
        pick = chosenPick;
        HostPort chosen = chosenPick.server();
        origin = endpoint(chosenPick);
        ex.origin(chosen.toString());
        Channel idle = OriginPool.current().pollIdle(origin);
        if (idle != null) {
            reused = true;
            OriginPool.attach(idle, this);
            connected(idle);
            return;
        }
        connect();
    }

    /** The server of {@code p}, with the group's TLS: the configured server_name, or the host the server is configured by. */
    private OriginEndpoint endpoint(Pick p) {
        if (originTls == null) {
            return OriginEndpoint.plain(p.server());
        }
        String name = group.config().tls().serverName();
        return new OriginEndpoint(p.server(), originTls, name.isEmpty() ? p.origin().configured().host() : name);
    }

    private void connect() {
        reused = false;
        ChannelFuture f = OriginPool.current().connect(ctx.channel().eventLoop(), origin, this,
                group.config().timeouts().connectOr(config.timeouts().connect()),
                group.config().timeouts().idleOr(config.timeouts().originIdle()), config.limits().maxHeaderSize() * 2);
        originChannel = f.channel();
        f.addListener((ChannelFutureListener) cf -> {
            if (finished) {
                cf.channel().close();
                return;
            }
            if (cf.isSuccess()) {
                connected(cf.channel());
            } else {
                Throwable c = cf.cause();
                ErrorKind kind = c instanceof ConnectTimeoutException ? ErrorKind.ORIGIN_TIMEOUT : ErrorKind.ORIGIN_CONNECT;
                // a refused origin certificate says so itself, with the reason
                failBeforeResponse(new EdgeException(kind, c instanceof SSLHandshakeException ? c.getMessage()
                        : "connect to " + origin + " failed: " + c.getMessage()));
            }
        });
    }

    private void connected(Channel ch) {
        originChannel = ch;
        headWritten = true;
        ChannelFuture written = ch.write(upstream);
        if (pending != null) {
            HttpContent c;
            while ((c = pending.poll()) != null) {
                if (c instanceof LastHttpContent) {
                    requestBodySent = true;
                }
                written = ch.write(c);
            }
        }
        if (requestComplete && !requestBodySent) {
            // a replay of a request without a body: end the message again
            written = ch.write(LastHttpContent.EMPTY_LAST_CONTENT);
            requestBodySent = true;
        }
        ch.flush();
        written.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        armResponseTimer();
        if (!requestBodySent) {
            client.clientAutoRead(ch.isWritable());
        }
    }

    private void armResponseTimer() {
        client.responseDeadline().arm(this, responseHeaderLimit().toNanos());
    }

    private java.time.Duration responseHeaderLimit() {
        return group.config().timeouts().responseHeaderOr(config.timeouts().responseHeader());
    }

    /** Called by the connection's {@link ResponseDeadline} when no response head came in time. */
    void responseHeadTimedOut() {
        if (!responseStarted && !finished) {
            dropOrigin();
            failBeforeResponse(new EdgeException(ErrorKind.ORIGIN_TIMEOUT, "no response head from " + origin
                    + " within " + responseHeaderLimit()));
        }
    }

    // ---- client -> origin ----

    void onRequestContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
            if (!((LastHttpContent) c).trailingHeaders().isEmpty()) {
                HttpContent clean = new DefaultLastHttpContent(c.content().retain());
                c.release();
                c = clean;
            }
        }
        if (finished) {
            c.release();
            return;
        }
        if (!headWritten) {
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            pending.add(c);
            if (!last) {
                client.clientAutoRead(false);
            }
            return;
        }
        ChannelFuture f = originChannel.writeAndFlush(c);
        if (last) {
            requestBodySent = true;
        } else if (!originChannel.isWritable()) {
            client.clientAutoRead(false);
        }
        f.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    void onClientTunnelBytes(ByteBuf b) {
        if (finished || originChannel == null) {
            b.release();
            return;
        }
        originChannel.writeAndFlush(b);
        if (!originChannel.isWritable()) {
            client.clientAutoRead(false);
        }
    }

    @Override
    public void onOriginWritability(boolean writable) {
        if (writable && (!requestBodySent || tunnel)) {
            client.clientAutoRead(true);
        }
    }

    // ---- origin -> client ----

    @Override
    public void onResponseHead(HttpResponse head) {
        cancelResponseTimer();
        status = head.status().code();
        pick.done(status);
        HttpHeaders h = head.headers();
        if (status == 101) {
            if (!websocket || !"websocket".equalsIgnoreCase(h.get(HttpHeaderNames.UPGRADE))) {
                dropOrigin();
                failBeforeResponse(new EdgeException(ErrorKind.ORIGIN_PROTOCOL, "101 from " + origin
                        + " without a WebSocket upgrade asked and answered"));
                return;
            }
            openTunnel(head);
            return;
        }
        // a 204 that declares a length or coding frames ambiguously (RFC 9110 8.6, RFC 9112 6.1): whatever
        // follows it on the connection is not a response, so the connection is not reused
        originKeepAlive = HttpUtil.isKeepAlive(head) && head.protocolVersion() == HttpVersion.HTTP_1_1
                && !(status == 204 && (h.contains(HttpHeaderNames.CONTENT_LENGTH)
                        || h.contains(HttpHeaderNames.TRANSFER_ENCODING)));
        // the body arrives de-chunked; the client side frames it again
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        boolean hadLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
        if (client.replaceOriginPage(ex, status)) {
            // the client gets Palisade's page; the origin's body is not read
            client.answerInsteadOfOrigin(this, status);
            return;
        }
        responseStarted = true;
        client.onResponseHead(this, head, hadLength);
    }

    private void openTunnel(HttpResponse head) {
        tunnel = true;
        responseStarted = true;
        originKeepAlive = false;
        originChannel.pipeline().remove("codec");
        originChannel.pipeline().remove("idle");
        client.openTunnel(this, head);
    }

    @Override
    public void onResponseContent(HttpContent c) {
        if (finished) {
            c.release();
            return;
        }
        if (tunnel) {
            // the end marker the origin's decoder emits after a 101
            c.release();
            return;
        }
        boolean last = c instanceof LastHttpContent;
        bytesOut += c.content().readableBytes();
        if (last) {
            LastHttpContent l = (LastHttpContent) c;
            if (!l.trailingHeaders().isEmpty()) {
                c = new DefaultLastHttpContent(l.content().retain());
                l.release();
            }
            originDone();
            client.writeResponseEnd(this, c);
            return;
        }
        client.writeResponseContent(c);
        if (!ctx.channel().isWritable()) {
            originChannel.config().setAutoRead(false);
        }
    }

    @Override
    public void onTunnelBytes(ByteBuf bytes) {
        if (finished) {
            bytes.release();
            return;
        }
        bytesOut += bytes.readableBytes();
        ctx.writeAndFlush(bytes);
        if (!ctx.channel().isWritable()) {
            originChannel.config().setAutoRead(false);
        }
    }

    /** The client's writability changed: resume reading from the origin once the client drains. */
    void onClientWritability(boolean writable) {
        if (originChannel != null && writable && !responseDone) {
            originChannel.config().setAutoRead(true);
        }
    }

    private void originDone() {
        responseDone = true;
        Channel ch = originChannel;
        if (originKeepAlive && requestBodySent && ch != null && ch.isActive()) {
            ch.config().setAutoRead(true);
            OriginPool.current().release(origin, ch);
        } else if (ch != null) {
            OriginPool.attach(ch, null);
            ch.close();
        }
    }

    @Override
    public void onOriginClosed(Throwable cause) {
        if (finished || responseDone) {
            return;
        }
        cancelResponseTimer();
        if (tunnel) {
            client.endTunnel(this);
            return;
        }
        if (!responseStarted) {
            boolean idempotent = isIdempotent(upstream.method().name());
            if (reused && !retried && idempotent && (requestComplete && pendingIsReplayable())) {
                // a pooled connection the origin had already closed: try once more on a fresh one
                retried = true;
                headWritten = false;
                requestBodySent = false;
                log.debug("request {}: pooled connection to {} closed, retrying", ex.requestId(), origin);
                connect();
                return;
            }
            ErrorKind kind = cause instanceof ConnectException ? ErrorKind.ORIGIN_CONNECT
                    : cause != null && !(cause instanceof java.io.IOException) ? ErrorKind.ORIGIN_PROTOCOL
                    : ErrorKind.ORIGIN_CLOSED;
            failBeforeResponse(new EdgeException(kind, "origin " + origin + " closed before answering"
                    + (cause == null ? "" : ": " + cause)));
            return;
        }
        // part of the body is already with the client: cut the connection so the truncation shows
        log.debug("request {}: origin {} closed mid-response", ex.requestId(), origin);
        client.abort(this, "origin closed mid-response");
    }

    private boolean pendingIsReplayable() {
        // only requests without a body are replayed: their bytes were never handed out
        return HttpUtil.getContentLength(upstream, 0L) == 0 && !HttpUtil.isTransferEncodingChunked(upstream);
    }

    private static boolean isIdempotent(String m) {
        switch (m) {
            case "GET": case "HEAD": case "OPTIONS": case "PUT": case "DELETE": case "TRACE":
                return true;
            default:
                return false;
        }
    }

    private void failBeforeResponse(EdgeException e) {
        if (finished) {
            return;
        }
        pick.failed(FailureKind.of(e.kind(), headWritten));
        // nothing reached the client yet; the request can be sent again when no byte of it went out,
        // or when it has no body
        if (!responseStarted && (!headWritten || requestComplete && pendingIsReplayable())) {
            Pick next = group.retry(ex, pick);
            if (next != null) {
                log.debug("request {}: {} failed ({}), retrying on {}", ex.requestId(), origin, e.kind(), next.server());
                Metrics.global().originRetry(group.name());
                cancelResponseTimer();
                originChannel = null;
                headWritten = false;
                requestBodySent = false;
                retried = false;
                start(next);
                return;
            }
        }
        client.originFailed(this, e);
    }

    /** Called by the client side when the exchange is over, one way or another; frees what is left. */
    void finish(boolean abortOrigin) {
        if (finished) {
            return;
        }
        finished = true;
        cancelResponseTimer();
        if (pick != null) {
            pick.end();
        }
        if (pending != null) {
            HttpContent c;
            while ((c = pending.poll()) != null) {
                ReferenceCountUtil.release(c);
            }
        }
        if (abortOrigin && !responseDone) {
            dropOrigin();
        }
    }

    private void dropOrigin() {
        Channel ch = originChannel;
        if (ch != null) {
            if (ch.pipeline().get("origin") != null) {
                OriginPool.attach(ch, null);
            }
            ch.close();
        }
    }

    private void cancelResponseTimer() {
        client.responseDeadline().disarm(this);
    }

    Exchange exchange() {
        return ex;
    }

    boolean isTunnel() {
        return tunnel;
    }

    static HttpRequest upstreamRequest(HttpRequest req, HttpHeaders headers) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, req.method(), req.uri(), headers);
    }
}
