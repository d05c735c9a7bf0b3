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

    /**
     * Runs the request stages in order until one does not continue. A stage that throws fails closed:
     * the request is answered with 500 and the cause is logged.
     */
    public Verdict onRequest(Exchange ex) {
        for (int i = 0; i < requestStages.size(); i++) {
            RequestStage stage = requestStages.get(i);
            Verdict v;
            try {
                v = stage.onRequest(ex);
            } catch (RuntimeException e) {
                log.error("request stage {} failed on request {}", stage.name(), ex.requestId(), e);
                ex.attrs().put(DECIDED_BY, stage.name());
                return Verdict.respond(500, "stage " + stage.name() + " failed: " + e);
            }
            if (!(v instanceof Verdict.Continue)) {
                if (ex.attrs().get(DECIDED_BY) == null) {
                    ex.attrs().put(DECIDED_BY, stage.name());
                }
                return v;
            }
        }
        return Verdict.CONTINUE;
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
