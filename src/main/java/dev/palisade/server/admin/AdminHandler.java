package dev.palisade.server.admin;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.config.AdminConfig;
import dev.palisade.observe.JsonLine;
import dev.palisade.observe.LiveStats;
import dev.palisade.observe.Metrics;
import dev.palisade.observe.SecurityLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.NetUtil;

/**
 * The admin listener's routes. Open (the listener is on loopback by default): {@code GET /} and the
 * dashboard's files, {@code GET /api/stats}, {@code GET /metrics}, {@code GET /healthz},
 * {@code GET /readyz}. With {@code Authorization: Bearer <admin token>}: {@code POST /admin/reload},
 * {@code GET /admin/bans}, {@code DELETE /admin/bans/{address}}, {@code GET /admin/rules}; a missing or
 * wrong token gets 401 and a security event. Unknown paths get 404, other methods 405 with Allow.
 *
 * <p>Requests whose Host is not an IP literal, localhost, the bind host or an allowed host are refused
 * with 403, so a page that rebinds its own name to 127.0.0.1 cannot read the dashboard's data.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
    private static final String JSON = "application/json; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final int MAX_BANS_LISTED = 1000;

    /** Methods each fixed path answers to. */
    private static final Map<String, String> ALLOW = Map.of(
            "/api/stats", "GET, HEAD",
            "/metrics", "GET, HEAD",
            "/healthz", "GET, HEAD",
            "/readyz", "GET, HEAD",
            "/admin/reload", "POST",
            "/admin/bans", "GET, DELETE",
            "/admin/rules", "GET");

    private final Supplier<AdminConfig> config;
    private final AdminHooks hooks;
    private final LiveStats stats;
    private final Dashboard dashboard;
    private final Executor worker;

    AdminHandler(Supplier<AdminConfig> config, AdminHooks hooks, LiveStats stats, Dashboard dashboard, Executor worker) {
        this.config = config;
        this.hooks = hooks;
        this.stats = stats;
        this.dashboard = dashboard;
        this.worker = worker;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            send(ctx, req, HttpResponseStatus.BAD_REQUEST, TEXT, "bad request\n", false);
            return;
        }
        if (!hostAllowed(req.headers().get(HttpHeaderNames.HOST))) {
            send(ctx, req, HttpResponseStatus.FORBIDDEN, TEXT, "unknown host\n", false);
            return;
        }
        String rawPath = new QueryStringDecoder(req.uri()).rawPath();
        HttpMethod method = req.method();
        boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);

        if (Dashboard.serves(rawPath)) {
            if (!read) {
                notAllowed(ctx, req, "GET, HEAD");
                return;
            }
            Dashboard.File f = dashboard.get(rawPath);
            FullHttpResponse resp = response(HttpResponseStatus.OK, f.contentType(), f.bytes(), method);
            resp.headers().set("Content-Security-Policy", CSP);
            write(ctx, req, resp);
            return;
        }
        if (rawPath.startsWith("/admin/bans/")) {
            if (!method.equals(HttpMethod.DELETE)) {
                notAllowed(ctx, req, "DELETE");
            } else if (authorized(ctx, req, rawPath)) {
                unban(ctx, req, rawPath.substring("/admin/bans/".length()));
            }
            return;
        }
        String allow = ALLOW.get(rawPath);
        if (allow == null) {
            send(ctx, req, HttpResponseStatus.NOT_FOUND, TEXT, "not found\n", false);
            return;
        }
        if (!List.of(allow.split(", ")).contains(method.name())) {
            notAllowed(ctx, req, allow);
            return;
        }
        if (rawPath.startsWith("/admin/") && !authorized(ctx, req, rawPath)) {
            return;
        }
        switch (rawPath) {
            case "/healthz":
                send(ctx, req, HttpResponseStatus.OK, TEXT, "ok\n", false);
                return;
            case "/readyz":
                readyz(ctx, req);
                return;
            case "/metrics":
                write(ctx, req, response(HttpResponseStatus.OK, dev.palisade.observe.Metrics.contentType(),
                        hooks.metrics().scrape(), method));
                return;
            case "/api/stats":
                send(ctx, req, HttpResponseStatus.OK, JSON, stats.json(hooks.origins()), false);
                return;
            case "/admin/reload":
                reload(ctx, req);
                return;
            case "/admin/bans":
                if (method.equals(HttpMethod.DELETE)) {
                    int lifted = hooks.bans().clear();
                    log.info("admin: all bans lifted ({})", lifted);
                    send(ctx, req, HttpResponseStatus.OK, JSON, new JsonLine().field("cleared", lifted).toString(), false);
                } else {
                    bans(ctx, req);
                }
                return;
            case "/admin/rules":
                rules(ctx, req);
                return;
            default:
                send(ctx, req, HttpResponseStatus.NOT_FOUND, TEXT, "not found\n", false);
        }
    }

    // ---- routes ----

    private void readyz(ChannelHandlerContext ctx, FullHttpRequest req) {
        List<String> problems = hooks.notReady();
        // distributed mode on local state is still ready (it serves, with this node's limits): said in the detail
        Metrics.ClusterView cluster = hooks.metrics().cluster();
        String clusterDetail = cluster == null ? null : new JsonLine().field("node", cluster.node())
                .field("state", cluster.shared() ? "shared" : "local").field("detail", cluster.detail()).toString();
        if (problems.isEmpty()) {
            JsonLine ok = new JsonLine().field("ready", true);
            send(ctx, req, HttpResponseStatus.OK, JSON, (clusterDetail == null ? ok : ok.raw("cluster", clusterDetail))
                    .toString(), false);
            return;
        }
        JsonLine bad = new JsonLine().field("ready", false).raw("problems", array(problems));
        send(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, JSON,
                (clusterDetail == null ? bad : bad.raw("cluster", clusterDetail)).toString(), false);
    }

    private void reload(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpMethod method = req.method();
        try {
            worker.execute(() -> {
                AdminHooks.ReloadResult r;
                try {
                    r = hooks.reloader().reload();
                } catch (RuntimeException e) {
                    log.error("admin: reload failed", e);
                    r = AdminHooks.ReloadResult.refused("reload failed: " + e);
                }
                AdminHooks.ReloadResult result = r;
                ctx.executor().execute(() -> {
                    String body = result.ok() ? "{\"reloaded\":true}"
                            : new JsonLine().field("reloaded", false).field("error", result.error()).toString();
                    FullHttpResponse resp = response(result.ok() ? HttpResponseStatus.OK
                            : HttpResponseStatus.UNPROCESSABLE_ENTITY, JSON, body.getBytes(StandardCharsets.UTF_8), method);
                    HttpUtil.setKeepAlive(resp, keepAlive);
                    ctx.writeAndFlush(resp);
                });
            });
        } catch (RejectedExecutionException e) {
            send(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, JSON, "{\"reloaded\":false,\"error\":\"shutting down\"}",
                    false);
        }
    }

    private void bans(ChannelHandlerContext ctx, FullHttpRequest req) {
        List<BanAdmin.Ban> list = hooks.bans().list();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < list.size() && i < MAX_BANS_LISTED; i++) {
            BanAdmin.Ban b = list.get(i);
            sb.append(i == 0 ? "" : ",").append(new JsonLine().field("address", b.address()).field("reason", b.reason())
                    .field("strike", b.strike()).field("duration_s", b.duration().toSeconds())
                    .field("remaining_s", b.remaining().toSeconds()));
        }
        sb.append(']');
        send(ctx, req, HttpResponseStatus.OK, JSON,
                new JsonLine().field("total", list.size()).raw("bans", sb.toString()).toString(), false);
    }

    private void unban(ChannelHandlerContext ctx, FullHttpRequest req, String rawAddress) {
        String address = QueryStringDecoder.decodeComponent(rawAddress);
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        if (!NetUtil.isValidIpV4Address(address) && !NetUtil.isValidIpV6Address(address)) {
            send(ctx, req, HttpResponseStatus.BAD_REQUEST, JSON, "{\"error\":\"not an IP address\"}", false);
            return;
        }
        boolean removed = hooks.bans().remove(address);
        if (removed) {
            log.info("admin: ban of {} lifted", address);
        }
        send(ctx, req, removed ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND, JSON,
                new JsonLine().field("address", address).field("removed", removed).toString(), false);
    }

    private void rules(ChannelHandlerContext ctx, FullHttpRequest req) {
        StringBuilder sb = new StringBuilder("[");
        boolean first = true;
        for (Map.Entry<String, long[]> e : hooks.metrics().ruleHits().entrySet()) {
            sb.append(first ? "" : ",").append(new JsonLine().field("rule", e.getKey()).field("blocked", e.getValue()[0])
                    .field("detected", e.getValue()[1]));
            first = false;
        }
        sb.append(']');
        send(ctx, req, HttpResponseStatus.OK, JSON, new JsonLine().raw("rules", sb.toString()).toString(), false);
    }

    // ---- checks ----

    /** Checks the bearer token in constant time; a refusal is answered, counted and logged here. */
    private boolean authorized(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        String expected = config.get().effectiveToken();
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        String problem;
        if (expected == null) {
            problem = "no admin token configured";
        } else if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            problem = "missing token";
        } else if (!MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            problem = "wrong token";
        } else {
            return true;
        }
        hooks.metrics().adminAuthFailed();
        InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
        SecurityLog.adminAuthFailure(peer == null ? "" : peer.getAddress().getHostAddress(), req.method().name(), path,
                problem);
        FullHttpResponse resp = response(HttpResponseStatus.UNAUTHORIZED, JSON,
                "{\"error\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8), req.method());
        resp.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"palisade-admin\"");
        write(ctx, req, resp);
        return false;
    }

    private boolean hostAllowed(String host) {
        if (host == null) {
            return true;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end < 0 ? h : h.substring(1, end);
        } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
            h = h.substring(0, h.indexOf(':'));
        }
        AdminConfig c = config.get();
        return NetUtil.isValidIpV4Address(h) || NetUtil.isValidIpV6Address(h) || h.equals("localhost")
                || h.equals(c.bind().host().toLowerCase(Locale.ROOT)) || c.allowedHosts().contains(h);
    }

    // ---- writing ----

    private static String array(List<String> items) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "\"" : ",\"");
            JsonLine.escape(items.get(i), sb, JsonLine.MAX_VALUE);
            sb.append('"');
        }
        return sb.append(']').toString();
    }

    private void notAllowed(ChannelHandlerContext ctx, FullHttpRequest req, String allow) {
        FullHttpResponse resp = response(HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
                "method not allowed\n".getBytes(StandardCharsets.UTF_8), req.method());
        resp.headers().set(HttpHeaderNames.ALLOW, allow);
        write(ctx, req, resp);
    }

    private void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String type, String body,
                      boolean close) {
        FullHttpResponse resp = response(status, type, body.getBytes(StandardCharsets.UTF_8), req.method());
        if (close) {
            HttpUtil.setKeepAlive(resp, false);
        }
        write(ctx, req, resp);
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body, HttpMethod method) {
        boolean head = method.equals(HttpMethod.HEAD);
        FullHttpResponse resp = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        HttpHeaders h = resp.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "no-referrer");
        return resp;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse resp) {
        if (!HttpUtil.isKeepAlive(req)) {
            HttpUtil.setKeepAlive(resp, false);
        }
        ctx.writeAndFlush(resp);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof java.io.IOException) && !(cause instanceof io.netty.handler.timeout.ReadTimeoutException)) {
            log.warn("admin connection {} failed", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
