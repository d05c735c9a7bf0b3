package dev.palisade.observe;

import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.LogStage;
import dev.palisade.pipeline.Outcome;

/**
 * The logging phase's access log: one JSON line per request, whatever its fate, through the
 * {@code palisade.access} logger (an asynchronous appender in the shipped logback.xml, so writing it
 * never blocks an event loop).
 */
public final class AccessLog implements LogStage {

    private static final Logger ACCESS = LoggerFactory.getLogger("palisade.access");
    /** A thread's line buffer is kept while it stays below this many characters. */
    private static final int KEEP_CHARS = 4096;
    private static final FastThreadLocal<JsonLine> LINE = new FastThreadLocal<>() {
        @Override
        protected JsonLine initialValue() {
            return new JsonLine();
        }
    };

    @Override
    public void onComplete(Exchange ex, Outcome o) {
        if (!ACCESS.isInfoEnabled()) {
            return;
        }
        // each event loop builds its lines in one buffer; the logger gets a String copy
        JsonLine line = LINE.get().clear(KEEP_CHARS)
                .now("time")
                .request(ex)
                .field("version", ex.request().version())
                .field("status", o.status())
                .field("bytes_in", o.bytesIn())
                .field("bytes_out", o.bytesOut())
                .field("duration_us", Math.max(0, o.durationNanos() / 1000))
                .field("route", ex.route())
                .field("origin", o.origin());
        if (!o.decidedBy().isEmpty()) {
            line.field("decided_by", o.decidedBy()).field("reason", o.reason());
        }
        String ua = ex.request().headers().get("user-agent");
        if (ua != null) {
            line.field("user_agent", ua);
        }
        ACCESS.info(line.toString());
    }
}
