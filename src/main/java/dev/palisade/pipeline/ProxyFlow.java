package dev.palisade.pipeline;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fixed order of the per-request phases. Built once from the config, immutable, shared by every
 * connection; swapped whole on reload. The server calls it; routing and origin selection sit between
 * {@link #onRequest} and {@link #onUpstreamRequest}.
 */
public final class ProxyFlow {

    private static final Logger log = LoggerFactory.getLogger(ProxyFlow.class);

    /** The stage (or rule) that answered, put into the exchange's attrs for the log. */
    public static final Attrs.Key<String> DECIDED_BY = Attrs.Key.of("decidedBy");

    private final List<RequestStage> requestStages;
    private final List<UpstreamRequestStage> upstreamStages;
    private final List<ResponseStage> responseStages;
    private final List<LogStage> logStages;

    public ProxyFlow(List<RequestStage> requestStages, List<UpstreamRequestStage> upstreamStages,
                     List<ResponseStage> responseStages, List<LogStage> logStages) {
        this.requestStages = List.copyOf(requestStages);
        this.upstreamStages = List.copyOf(upstreamStages);
        this.responseStages = List.copyOf(responseStages);
        this.logStages = List.copyOf(logStages);
    }

    /** Where {@link #resume} goes on after a {@link Verdict.Pending}: the index of the next stage. */
    private static final Attrs.Key<Integer> RESUME_AT = Attrs.Key.of("resumeAt");

    /**
     * Runs the request stages in order until one does not continue. A stage that throws fails closed:
     * the request is answered with 500 and the cause is logged. A {@link Verdict.Pending} is handed back
     * as it is; once it completes the caller passes its result to {@link #resume}, on the request's thread.
     */
    public Verdict onRequest(Exchange ex) {
        return runFrom(ex, 0);
    }

    /**
     * Goes on after a pending stage completed with {@code decided} (or failed with {@code failure}, which
     * fails closed with 500): a continue runs the stages after it, anything else is the answer.
     */
    public Verdict resume(Exchange ex, Verdict decided, Throwable failure) {
        Integer next = ex.attrs().get(RESUME_AT);
        int at = next == null ? requestStages.size() : next;
        RequestStage stage = requestStages.get(Math.max(0, at - 1));
        if (failure != null || decided == null) {
            log.error("request stage {} failed on request {}", stage.name(), ex.requestId(), failure);
            ex.attrs().put(DECIDED_BY, stage.name());
            return Verdict.respond(500, "stage " + stage.name() + " failed: " + failure);
        }
        if (decided instanceof Verdict.Continue) {
            return runFrom(ex, at);
        }
        if (decided instanceof Verdict.Pending) {
            return decided;
        }
        return decidedBy(ex, stage, decided);
    }

    private Verdict runFrom(Exchange ex, int from) {
        for (int i = from; i < requestStages.size(); i++) {
            RequestStage stage = requestStages.get(i);
            Verdict v;
            try {
                v = stage.onRequest(ex);
            } catch (RuntimeException e) {
                log.error("request stage {} failed on request {}", stage.name(), ex.requestId(), e);
                ex.attrs().put(DECIDED_BY, stage.name());
                return Verdict.respond(500, "stage " + stage.name() + " failed: " + e);
            }
            if (v instanceof Verdict.Pending) {
                ex.attrs().put(RESUME_AT, i + 1);
                return v;
            }
            if (!(v instanceof Verdict.Continue)) {
                return decidedBy(ex, stage, v);
            }
        }
        return Verdict.CONTINUE;
    }

    private static Verdict decidedBy(Exchange ex, RequestStage stage, Verdict v) {
        if (ex.attrs().get(DECIDED_BY) == null) {
            ex.attrs().put(DECIDED_BY, stage.name());
        }
        return v;
    }

    public void onUpstreamRequest(Exchange ex, MutableHeaders headers) {
        for (int i = 0; i < upstreamStages.size(); i++) {
            upstreamStages.get(i).onUpstreamRequest(ex, headers);
        }
    }

    public void onResponse(Exchange ex, int status, MutableHeaders headers) {
        for (int i = 0; i < responseStages.size(); i++) {
            responseStages.get(i).onResponse(ex, status, headers);
        }
    }

    public boolean replaceBody(Exchange ex, int status) {
        for (int i = 0; i < responseStages.size(); i++) {
            if (responseStages.get(i).replaceBody(ex, status)) {
                return true;
            }
        }
        return false;
    }

    /** Runs every log stage; one failing does not stop the others. */
    public void onComplete(Exchange ex, Outcome outcome) {
        for (int i = 0; i < logStages.size(); i++) {
            try {
                logStages.get(i).onComplete(ex, outcome);
            } catch (RuntimeException e) {
                log.error("log stage failed on request {}", ex.requestId(), e);
            }
        }
    }
}
