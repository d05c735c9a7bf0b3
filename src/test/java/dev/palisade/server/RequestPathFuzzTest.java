package dev.palisade.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.LoggerFactory;

import com.code_intelligence.jazzer.junit.FuzzTest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.palisade.balance.Router;
import dev.palisade.config.HostPort;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.headers.ErrorPages;
import dev.palisade.headers.GroupHeaders;
import dev.palisade.headers.HeaderPolicies;
import dev.palisade.pipeline.ClientInfo;
import dev.palisade.pipeline.ProxyFlow;
import dev.palisade.pipeline.RequestStage;
import dev.palisade.rules.RuleEngineStage;
import dev.palisade.rules.RuleLoader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Coverage-guided fuzzing of the HTTP/1.1 request path (Jazzer): arbitrary client bytes, cut into two
 * reads at a point the input chooses, through the real decoder, encoder and proxy handler on an
 * {@link EmbeddedChannel}, with the header policies and the shipped rules as request stages. Whatever
 * the bytes, the connection answers with well-formed responses or closes; no handler throws, and every
 * buffer is released (the leak detector runs at PARANOID). Requests that pass reach an origin address
 * that cannot be connected from an embedded channel, so they end in Palisade's 502 page.
 */
public class RequestPathFuzzTest {

    private static final Generation GENERATION = generation();
    private static final ServerState STATE = new ServerState(new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
    private static final ListAppender<ILoggingEvent> FAILURES = capture();

    private static Generation generation() {
        try {
            PalisadeConfig cfg = PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(new HostPort("127.0.0.1", 9)));
            List<RequestStage> request = new ArrayList<>(HeaderPolicies.request(cfg.headers()));
            request.add(new RuleEngineStage(RuleLoader.load(cfg.rules()), cfg.rules()));
            ProxyFlow flow = new ProxyFlow(request, HeaderPolicies.upstream(cfg.headers(), cfg.forwarding()),
                    HeaderPolicies.response(cfg.headers()), List.of());
            return new Generation(cfg, flow, new Router(cfg), ErrorPages.of(cfg.headers())::page, "palisade",
                    Map.of("default", GroupHeaders.of(cfg.origins().get("default"))), 0, Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Handler failures are logged with their exception; they are collected here instead of printed. */
    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.start();
        for (Class<?> c : List.of(ClientHandler.class, ProxyCall.class)) {
            Logger l = (Logger) LoggerFactory.getLogger(c);
            l.setLevel(Level.WARN);
            l.setAdditive(false);
            l.addAppender(a);
        }
        return a;
    }

    @FuzzTest(maxDuration = "2m")
    void answersOrClosesCleanly(byte[] input) throws Exception {
        check(input);
    }

    /** One input; also called by the combined target {@code dev.palisade.EdgeInputFuzzTest}. */
    public static void check(byte[] input) throws Exception {
        ListenerConfig listener = GENERATION.config().listeners().get(0);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast("decoder", new StrictRequestDecoder(8192, 16384, 100, 1 << 20,
                TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(75)));
        ch.pipeline().addLast("encoder", new ResponseEncoder());
        ch.pipeline().addLast("proxy", new ClientHandler(() -> GENERATION, listener, STATE,
                (ctx, l) -> new ClientInfo(InetAddress.getLoopbackAddress(), 40000, l.name(), null, null)));
        int cut = input.length == 0 ? 0 : (input[0] & 0xff) % input.length;
        ch.writeInbound(Unpooled.wrappedBuffer(input, 0, cut));
        ch.runPendingTasks();
        if (ch.isOpen()) {
            ch.writeInbound(Unpooled.wrappedBuffer(input, cut, input.length - cut));
            ch.runPendingTasks();
        }
        StringBuilder out = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        ch.finishAndReleaseAll();
        String written = out.toString();
        assertTrue(written.isEmpty() || written.startsWith("HTTP/1.1 "), () -> "not a response: " + written);
        List<ILoggingEvent> failed = new ArrayList<>(FAILURES.list);
        FAILURES.list.clear();
        for (ILoggingEvent e : failed) {
            assertTrue(e.getThrowableProxy() == null, () -> "a handler failed: " + e.getFormattedMessage() + "\n"
                    + ThrowableProxyUtil.asString(e.getThrowableProxy()));
        }
    }
}
