package dev.palisade.observe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.owasp.encoder.Encode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.pipeline.Attrs;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.LogStage;
import dev.palisade.pipeline.Outcome;
import dev.palisade.pipeline.ProxyFlow;

/**
 * The security-event log: one JSON line per block, detect-only match, rate limit, ban or refused admin
 * call, through the {@code palisade.security} logger (its own asynchronous appender, apart from the
 * access log; see logback.xml and {@link LogSetup}).
 *
 * <p>As a {@link LogStage} it writes, when a request is over, every {@link SecurityEvent} a stage noted
 * with {@link #note}, and a {@code block} (or {@code rate_limit}) line for a refusal by a request stage
 * that noted nothing itself. Every client value goes through {@link JsonLine}, so it can neither end the
 * line nor forge a field; the matched {@code value} is also HTML-encoded with the OWASP encoder, so a
 * log viewer that renders HTML shows it as text.
 */
public final class SecurityLog implements LogStage {

    private static final Logger SECURITY = LoggerFactory.getLogger("palisade.security");
    /** The matched value is cut to this many characters before encoding. */
    static final int MAX_MATCHED = 512;

    /** Events noted on the request by its stages, in order. */
    public static final Attrs.Key<List<SecurityEvent>> EVENTS = Attrs.Key.of("securityEvents");

    private final Function<Exchange, List<SecurityEvent>> fromStages;

    /** Writes the events noted with {@link #note} only. */
    public SecurityLog() {
        this(ex -> List.of());
    }

    /**
     * Also writes the events {@code fromStages} reads off an exchange (the server maps the rule engine's
     * hits this way, so this package does not depend on the rule engine).
     */
    public SecurityLog(Function<Exchange, List<SecurityEvent>> fromStages) {
        this.fromStages = fromStages;
    }

    /** Every event of the request: the ones noted, then the ones read off by {@code fromStages}. */
    static List<SecurityEvent> events(Exchange ex, Function<Exchange, List<SecurityEvent>> fromStages) {
        List<SecurityEvent> noted = ex.attrs().get(EVENTS);
        List<SecurityEvent> read = fromStages.apply(ex);
        if (read == null || read.isEmpty()) {
            return noted == null ? List.of() : noted;
        }
        if (noted == null || noted.isEmpty()) {
            return read;
        }
        List<SecurityEvent> all = new ArrayList<>(noted);
        all.addAll(read);
        return all;
    }

    /** Notes an event on the request; it is written when the request is over, with the request's facts. */
    public static void note(Exchange ex, SecurityEvent event) {
        List<SecurityEvent> list = ex.attrs().get(EVENTS);
        if (list == null) {
            list = new ArrayList<>(2);
            ex.attrs().put(EVENTS, list);
        }
        if (list.size() < 64) {
            list.add(event);
        }
    }

    @Override
    public void onComplete(Exchange ex, Outcome o) {
        if (!SECURITY.isInfoEnabled()) {
            return;
        }
        boolean wroteDecider = false;
        for (SecurityEvent e : events(ex, fromStages)) {
            SECURITY.info(line(ex, o, e));
            wroteDecider |= e.rule().equals(o.decidedBy()) && (e.kind().equals("block") || e.kind().equals("rate_limit"));
        }
        if (!wroteDecider && refusedByStage(ex, o)) {
            String kind = o.status() == 429 ? "rate_limit" : "block";
            SECURITY.info(line(ex, o, new SecurityEvent(kind, o.decidedBy(), o.reason(), "", "")));
        }
    }

    /**
     * A request stage (rules, rate limits, bans) refused the request (4xx); a stage that failed (5xx) did not,
     * and neither did one that answered for the origin without refusing (the 308 of an HTTPS redirect).
     */
    static boolean refusedByStage(Exchange ex, Outcome o) {
        return !o.decidedBy().isEmpty() && ex.attrs().get(ProxyFlow.DECIDED_BY) != null && o.status() >= 400
                && o.status() < 500;
    }

    static String line(Exchange ex, Outcome o, SecurityEvent e) {
        JsonLine line = new JsonLine()
                .now("time")
                .field("event", e.kind())
                .request(ex)
                .field("rule", e.rule())
                .field("message", e.message())
                .field("status", o.status());
        if (!e.field().isEmpty()) {
            line.field("field", e.field());
        }
        if (!e.value().isEmpty()) {
            String v = e.value().length() > MAX_MATCHED ? e.value().substring(0, MAX_MATCHED) : e.value();
            line.field("value", Encode.forHtml(v));
        }
        String ua = ex.request().headers().get("user-agent");
        if (ua != null) {
            line.field("user_agent", ua);
        }
        return line.toString();
    }

    /** An address was banned by the guard; {@code cause} is the metrics' label (connection_rate, ...). */
    public static void ban(String address, String cause, String reason, Duration duration, int strike) {
        if (SECURITY.isInfoEnabled()) {
            SECURITY.info(new JsonLine().now("time").field("event", "ban")
                    .field("client", address).field("cause", cause).field("reason", reason)
                    .field("duration_s", duration.toSeconds())
                    .field("strike", strike).toString());
        }
    }

    /** An admin API call was refused: {@code problem} is "missing token" or "wrong token". */
    public static void adminAuthFailure(String client, String method, String path, String problem) {
        if (SECURITY.isInfoEnabled()) {
            SECURITY.info(new JsonLine().now("time").field("event", "admin_auth")
                    .field("client", client).field("method", method).field("path", path).field("reason", problem)
                    .toString());
        }
    }
}
