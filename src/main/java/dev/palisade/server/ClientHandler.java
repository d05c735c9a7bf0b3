package dev.palisade.server;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.balance.Pick;
import dev.palisade.balance.Router;
import dev.palisade.config.ForwardingConfig;
import dev.palisade.config.ListenerConfig;
import dev.palisade.guard.GuardAttrs;
import dev.palisade.guard.client.ClientAddress;
import dev.palisade.guard.rate.RateLimitStatus;
import dev.palisade.guard.slow.SlowClientEvent;
import dev.palisade.headers.ForwardingIdentity;
import dev.palisade.headers.HopByHop;
import dev.palisade.observe.RequestIds;
import dev.palisade.pipeline.ClientInfo;
import dev.palisade.pipeline.EdgeException;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Outcome;
import dev.palisade.pipeline.ProxyFlow;
import dev.palisade.pipeline.RequestHead;
import dev.palisade.pipeline.Verdict;
import dev.palisade.tls.HttpsRedirect;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The last handler of a client connection: turns each decoded request into an {@link Exchange}, runs
 * the request phases, routes it, and hands it to a {@link ProxyCall}. One request is in flight at a time;
 * the decoder holds back pipelined ones until the response is written, so answers go out in order.
 *
 * <p>Every answer that is not the origin's own goes through {@link #reject}, the single place a
 * verdict or a failure becomes bytes; every request, whatever happened, ends in {@link #complete},
 * which runs the logging phase exactly once.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

    private final Supplier<Generation> generations;
    private final ListenerConfig listener;
    private final ServerState state;
    private final ClientInfoSource clientInfo;

    private ChannelHandlerContext ctx;
    private ClientSide side;

    private Generation gen;
    private Exchange ex;
    private ProxyCall call;
    private ResponseDeadline responseDeadline;
    private boolean keepAlive;
    private boolean headRequest;
    private boolean http10;
    private boolean requestComplete;
    /** Closing after an answer that left part of the request unread: inbound messages are dropped. */
    private boolean lingering;
    private boolean completed = true;
    private long bytesIn;
    private int requests;
    private ClientInfo info;
    private BodyPrefix inspecting;
    /** Body pieces held while a request stage's verdict is pending (and the inspected prefix, if any). */
    private BodyPrefix waiting;

    /** Supplies the client facts of a connection (address after PROXY protocol, TLS). */
    interface ClientInfoSource {
        ClientInfo of(ChannelHandlerContext ctx, ListenerConfig listener);
    }

    ClientHandler(Supplier<Generation> generations, ListenerConfig listener, ServerState state, ClientInfoSource clientInfo) {
        this.generations = generations;
        this.listener = listener;
        this.state = state;
        this.clientInfo = clientInfo;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.side = ClientSide.of(ctx.pipeline());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering) {
            // the connection is closing (closeLingering): what still arrives is dropped, whatever it decodes to
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof DecodeFailure f) {
            onDecodeFailure(f);
        } else if (msg instanceof HttpRequest req) {
            startRequest(req, msg instanceof FullHttpRequest);
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof HttpContent c) {
            bytesIn += c.content().readableBytes();
            if (c instanceof LastHttpContent) {
                requestComplete = true;
            }
            if (waiting != null) {
                waiting.add(c);
            } else if (inspecting != null) {
                if (inspecting.add(c)) {
                    finishInspection();
                }
            } else if (call != null) {
                call.onRequestContent(c);
            } else {
                c.release();
            }
        } else if (msg instanceof ByteBuf b) {
            if (call != null && call.isTunnel()) {
                call.onClientTunnelBytes(b);
            } else {
                b.release();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    // ---- request start ----

    private void startRequest(HttpRequest req, boolean full) {
        requests++;
        gen = generations.get();
        requestComplete = full;
        bytesIn = 0;
        HttpHeaders headers = req.headers();
        headRequest = req.method().name().equals("HEAD");
        http10 = req.protocolVersion() == HttpVersion.HTTP_1_0;
        if (info == null) {
            info = clientInfo.of(ctx, listener);
        }
        ClientInfo client = info;
        ForwardingConfig fwd = gen.config().forwarding();
        if (!fwd.trustedProxies().isEmpty() && fwd.trusted(info.address())) {
            // a trusted proxy in front: the client is the right-most untrusted hop it reports
            InetAddress real = ClientAddress.resolve(info.address(), new NettyHeaders(headers), fwd);
            if (!real.equals(info.address())) {
                client = info.withAddress(real, 0);
            }
        }
        RequestHead head = RequestHead.of(req.method().name(), req.uri(),
                !side.reusable() ? "HTTP/2" : http10 ? "HTTP/1.0" : "HTTP/1.1",
                new NettyHeaders(headers));
        ex = new Exchange(RequestIds.next(), head, client, System.nanoTime());
        completed = false;
        if (client != info) {
            ex.attrs().put(ForwardingIdentity.PEER, info.address());
        }
        keepAlive = HttpUtil.isKeepAlive(req) && requests < gen.config().limits().maxRequestsPerConnection()
                && !state.draining();

        String expect = headers.get(HttpHeaderNames.EXPECT);
        boolean sendContinue = false;
        if (expect != null && !http10) {
            // RFC 9110 10.1.1: an HTTP/1.0 request's 100-continue is ignored (and it never gets a 1xx)
            if (!expect.equalsIgnoreCase("100-continue") || headers.getAll(HttpHeaderNames.EXPECT).size() > 1) {
                reject(417, "unsupported Expect", "protocol");
                return;
            }
            sendContinue = !full;
        }

        long inspect = gen.bodyInspection();
        if (inspect > 0 && !full) {
            // a rule reads the body: hold the first bytes, decide, then forward what was held
            inspecting = new BodyPrefix(req, (int) inspect);
            if (sendContinue) {
                writeContinue();
            }
            return;
        }
        proceed(req, full, sendContinue);
    }

    /** Runs the request stages, routes, and starts forwarding. */
    private void proceed(HttpRequest req, boolean full, boolean sendContinue) {
        RequestHead head = ex.request();
        Router.Match match = gen.router().route(head.host(), head.path());
        if (match != null) {
            ex.route(match.route().name());
        }
        decide(gen.flow().onRequest(ex), req, full, sendContinue, match);
    }

    /**
     * Acts on the request stages' verdict. A pending one (a remote rate limit) holds the request: reading
     * stops, body pieces that still arrive are held, and the verdict is taken up again on this event loop.
     */
    private void decide(Verdict v, HttpRequest req, boolean full, boolean sendContinue, Router.Match match) {
        if (v instanceof Verdict.Pending p) {
            if (waiting == null) {
                waiting = new BodyPrefix(req, Integer.MAX_VALUE);
            }
            clientAutoRead(false);
            Exchange held = ex;
            p.result().whenComplete((next, failure) -> {
                Runnable resume = () -> {
                    if (ex == held && !completed) {
                        decide(gen.flow().resume(ex, next, failure), req, full, sendContinue, match);
                    }
                };
                // completed on this event loop (or before this line): no hop
                if (ctx.executor().inEventLoop()) {
                    resume.run();
                } else {
                    ctx.executor().execute(resume);
                }
            });
            return;
        }
        BodyPrefix held = waiting;
        waiting = null;
        if (held != null) {
            clientAutoRead(true);
        }
        forward(v, req, full, sendContinue, match);
        if (held != null) {
            held.replay(call);
        }
    }

    private void forward(Verdict v, HttpRequest req, boolean full, boolean sendContinue, Router.Match match) {
        HttpHeaders headers = req.headers();
        RequestHead head = ex.request();
        ProxyFlow flow = gen.flow();
        if (v instanceof Verdict.Respond r) {
            reject(r.status(), r.reasonForLog(), r.ruleId() != null ? r.ruleId() : ex.attrs().get(ProxyFlow.DECIDED_BY));
            return;
        }
        if (v instanceof Verdict.Drop d) {
            drop(d.reasonForLog());
            return;
        }

        if (match == null) {
            reject(404, "no route for host '" + head.host() + "'", "router");
            return;
        }
        Pick pick = match.group().select(ex);
        if (pick.refused()) {
            reject(503, pick.refusal(), "balance");
            return;
        }

        boolean websocket = !http10 && Framing.isWebSocketUpgrade(req.method().name(), headers);
        // a body of unknown length (chunked on HTTP/1.1, DATA frames without content-length on HTTP/2)
        boolean chunked = !full && !headers.contains(HttpHeaderNames.CONTENT_LENGTH);
        if (websocket) {
            ex.attrs().put(HopByHop.WEBSOCKET, Boolean.TRUE);
            keepAlive = false;
        }
        gen.groupHeaders().get(match.group().name()).apply(ex);
        HttpHeaders up = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders().set(headers);
        up.remove(HttpHeaderNames.EXPECT);
        flow.onUpstreamRequest(ex, new NettyHeaders(up));
        // the proxy frames the body itself: one unambiguous form toward the origin
        if (chunked) {
            up.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            up.remove(HttpHeaderNames.CONTENT_LENGTH);
        } else {
            up.remove(HttpHeaderNames.TRANSFER_ENCODING);
        }
        if (!up.contains(HttpHeaderNames.HOST)) {
            up.set(HttpHeaderNames.HOST, match.group().servers().get(0).toString());
        }

        call = new ProxyCall(this, ctx, ex, match.group(), ProxyCall.upstreamRequest(req, up), websocket, gen.config(),
                gen.originTls().get(match.group().name()));
        if (full) {
            call.onRequestContent(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        if (sendContinue) {
            writeContinue();
        }
        call.start(pick);
    }

    /** The interim "100 Continue" for a client that sent Expect: 100-continue, once its request is accepted. */
    private void writeContinue() {
        side.answeringHead(false);
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }

    /** The body prefix is complete: the stages see it, then the held pieces go on to the origin. */
    private void finishInspection() {
        BodyPrefix held = inspecting;
        inspecting = null;
        ex.body(held.bytes());
        // the held pieces go on once the verdict is in (at once, or when a pending one completes)
        waiting = held;
        proceed(held.request(), false, false);
    }

    // ---- called by ProxyCall ----

    void clientAutoRead(boolean on) {
        if (!side.paused() || call != null && call.isTunnel()) {
            ctx.channel().config().setAutoRead(on);
        }
    }

    boolean replaceOriginPage(Exchange e, int status) {
        return gen.flow().replaceBody(e, status);
    }

    void answerInsteadOfOrigin(ProxyCall c, int status) {
        c.finish(true);
        call = null;
        reject(status, "origin answered " + status + "; replaced by Palisade's page", "origin");
    }

    void onResponseHead(ProxyCall c, HttpResponse head, boolean hadLength) {
        int status = head.status().code();
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
        HttpHeaders h = head.headers();
        gen.flow().onResponse(ex, status, new NettyHeaders(h));
        addListenerHsts(h);
        boolean bodyAllowed = !headRequest && status != 204 && status != 304 && status >= 200;
        if (bodyAllowed && !hadLength) {
            if (http10) {
                keepAlive = false;
            } else {
                h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        if (!requestComplete) {
            // the origin answered before the whole body arrived: the rest cannot be framed reliably
            keepAlive = false;
        }
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        side.answeringHead(headRequest);
        ctx.write(head);
    }

    void writeResponseContent(HttpContent c) {
        ctx.writeAndFlush(c).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    void writeResponseEnd(ProxyCall c, HttpContent last) {
        ctx.writeAndFlush(last).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                keepAlive = false;
            }
            complete(c.status(), c.bytesOut(), c.exchange().origin(), "", "");
        });
    }

    void openTunnel(ProxyCall c, HttpResponse head) {
        head.setProtocolVersion(HttpVersion.HTTP_1_1);
        gen.flow().onResponse(ex, 101, new NettyHeaders(head.headers()));
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        head.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        side.answeringHead(false);
        ctx.write(head);
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        side.startTunnel(ctx.pipeline());
    }

    void endTunnel(ProxyCall c) {
        keepAlive = false;
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                .addListener((ChannelFutureListener) f -> complete(101, c.bytesOut(), c.exchange().origin(), "", ""));
    }

    void originFailed(ProxyCall c, EdgeException e) {
        c.finish(true);
        call = null;
        log.warn("request {}: {} ({})", ex.requestId(), e.getMessage(), e.kind());
        reject(e.kind().status(), e.getMessage(), e.kind().name());
    }

    void abort(ProxyCall c, String reason) {
        c.finish(true);
        keepAlive = false;
        complete(c.status(), c.bytesOut(), c.exchange().origin(), "origin", reason);
    }

    // ---- the single rejection path ----

    /** A TLS listener's own Strict-Transport-Security, unless the response already has one. */
    private void addListenerHsts(HttpHeaders h) {
        if (listener.secure() && !h.contains("strict-transport-security")) {
            String hsts = listener.tls().hstsHeader();
            if (!hsts.isEmpty()) {
                h.set("Strict-Transport-Security", hsts);
            }
        }
    }

    /** Answers the current request with Palisade's page for {@code status}; the reason is logged only. */
    private void reject(int status, String reason, String decidedBy) {
        if (call != null) {
            call.finish(true);
        }
        boolean ka = keepAlive && requestComplete && status != 400 && status != 408;
        keepAlive = ka;
        Long retry = ex.attrs().get(GuardAttrs.RETRY_AFTER);
        RateLimitStatus limit = ex.attrs().get(GuardAttrs.RATE_LIMIT);
        Rejections.write(ctx, side, status, ex.requestId(), ka, headRequest, gen.pages(), gen.serverHeader(),
                        retry == null ? 0 : retry, h -> {
                            if (limit != null && status == 429) {
                                h.set("RateLimit-Policy", limit.policyHeader());
                                h.set("RateLimit", limit.header());
                            }
                            gen.flow().onResponse(ex, status, new NettyHeaders(h));
                            addListenerHsts(h);
                            String location = ex.attrs().get(HttpsRedirect.LOCATION);
                            if (location != null && status == 308) {
                                h.set(HttpHeaderNames.LOCATION, location);
                            }
                        })
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        keepAlive = false;
                    }
                    complete(status, 0, ex.origin(), decidedBy == null ? "" : decidedBy, reason);
                });
    }

    private void drop(String reason) {
        keepAlive = false;
        complete(0, 0, "", ex.attrs().getOrDefault(ProxyFlow.DECIDED_BY, "stage"), reason);
    }

    private void onDecodeFailure(DecodeFailure f) {
        if (call != null && call.responseStarted()) {
            abort(call, f.detail());
            return;
        }
        if (completed) {
            // the failure is in a request head: make an exchange for the log and the page
            gen = generations.get();
            if (info == null) {
                info = clientInfo.of(ctx, listener);
            }
            ex = new Exchange(RequestIds.next(), RequestHead.of("-", "/", "-", new NettyHeaders(EmptyHttpHeaders.INSTANCE)),
                    info, System.nanoTime());
            completed = false;
            headRequest = false;
        }
        keepAlive = false;
        if (log.isDebugEnabled()) {
            log.debug("request {} from {}: {}", ex.requestId(), info.ip(), f.detail());
        }
        reject(f.kind().status(), f.detail(), f.kind().name());
    }

    /** Ends the current exchange exactly once: runs the logging phase, then reads on or closes. */
    private void complete(int status, long bytesOut, String origin, String decidedBy, String reason) {
        if (completed) {
            return;
        }
        completed = true;
        if (inspecting != null) {
            inspecting.release();
            inspecting = null;
        }
        if (waiting != null) {
            waiting.release();
            waiting = null;
        }
        if (call != null) {
            call.finish(status == 0);
            call = null;
        }
        Outcome o = new Outcome(status, bytesIn, bytesOut, System.nanoTime() - ex.startNanos(), origin, decidedBy, reason);
        gen.flow().onComplete(ex, o);
        if (keepAlive && side.reusable() && ctx.channel().isActive() && !state.draining()) {
            side.resume();
        } else if (side.reusable()) {
            if (requestComplete || !ctx.channel().isActive()) {
                ctx.close();
            } else {
                closeLingering();
            }
        }
    }

    /** How long a connection is read and discarded after a response that left part of its request unread. */
    static final long LINGER_MILLIS = 2000;

    /**
     * Closes a connection whose request was answered before all of it was read (a 413 on its Content-Length,
     * a refused upload, a body cut off): the client may still be sending, and closing a socket with unread
     * bytes makes the kernel reset the connection, which can throw away the answer the client has not read
     * yet. So, like nginx's lingering close, the sending side is shut (the client reads the answer, then the
     * end of the stream, at once) and the rest is read and dropped until the client closes, or for at most
     * {@link #LINGER_MILLIS}. Called once the answer is written.
     */
    private void closeLingering() {
        lingering = true;
        ctx.channel().config().setAutoRead(true);
        if (ctx.channel() instanceof DuplexChannel d) {
            d.shutdownOutput();
        }
        ScheduledFuture<?> limit = ctx.executor().schedule((Runnable) ctx::close, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        ctx.channel().closeFuture().addListener(f -> limit.cancel(false));
    }

    /** Shutdown: an idle connection closes now, a busy one after its current response. */
    void drain() {
        keepAlive = false;
        if (completed) {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == SlowClientEvent.BODY_TOO_SLOW && !completed && (call == null || !call.responseStarted())) {
            keepAlive = false;
            reject(408, "request body slower than the minimum rate", "slow-client");
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (call != null) {
            call.onClientWritability(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The response-head timer of this connection's origin calls, made on first use. */
    ResponseDeadline responseDeadline() {
        if (responseDeadline == null) {
            responseDeadline = new ResponseDeadline(ctx.executor());
        }
        return responseDeadline;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (responseDeadline != null) {
            responseDeadline.stop();
        }
        if (!completed) {
            keepAlive = false;
            ProxyCall c = call;
            complete(c != null && c.isTunnel() ? 101 : 0, c == null ? 0 : c.bytesOut(), ex.origin(), "client",
                    "client closed the connection");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("client connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.warn("client connection {} failed", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
