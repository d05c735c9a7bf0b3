package dev.palisade.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/** A stage that cannot answer at once: the flow hands the pending verdict back and resumes after that stage. */
class PendingVerdictTest {

    private final List<String> ran = new ArrayList<>();

    private RequestStage stage(String name, Verdict v) {
        return new RequestStage() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Verdict onRequest(Exchange ex) {
                ran.add(name);
                return v;
            }
        };
    }

    private static Exchange exchange() {
        RequestHead head = RequestHead.of("GET", "/", "HTTP/1.1", new ListHeaders());
        return new Exchange("r1", head, new ClientInfo(InetAddress.getLoopbackAddress(), 1, "l", "", ""), 0L);
    }

    private ProxyFlow flow(Verdict first, Verdict second) {
        return new ProxyFlow(List.of(stage("remote", first), stage("rules", second)), List.of(), List.of(), List.of());
    }

    @Test
    void aContinueResumesWithTheNextStage() {
        CompletableFuture<Verdict> later = new CompletableFuture<>();
        ProxyFlow flow = flow(new Verdict.Pending(later), Verdict.respond(403, "rule"));
        Exchange ex = exchange();
        assertInstanceOf(Verdict.Pending.class, flow.onRequest(ex));
        assertEquals(List.of("remote"), ran, "nothing after the pending stage runs yet");
        Verdict v = flow.resume(ex, Verdict.CONTINUE, null);
        assertEquals(403, ((Verdict.Respond) v).status());
        assertEquals(List.of("remote", "rules"), ran);
        assertEquals("rules", ex.attrs().get(ProxyFlow.DECIDED_BY));
    }

    @Test
    void aRefusalIsTheAnswerAndNamesThePendingStage() {
        ProxyFlow flow = flow(new Verdict.Pending(new CompletableFuture<>()), Verdict.CONTINUE);
        Exchange ex = exchange();
        flow.onRequest(ex);
        Verdict v = flow.resume(ex, new Verdict.Respond(429, "over", "api"), null);
        assertEquals(429, ((Verdict.Respond) v).status());
        assertEquals(List.of("remote"), ran);
        assertEquals("remote", ex.attrs().get(ProxyFlow.DECIDED_BY));
    }

    @Test
    void aFailureFailsClosed() {
        ProxyFlow flow = flow(new Verdict.Pending(new CompletableFuture<>()), Verdict.CONTINUE);
        Exchange ex = exchange();
        flow.onRequest(ex);
        Verdict v = flow.resume(ex, null, new IllegalStateException("store broke"));
        assertEquals(500, ((Verdict.Respond) v).status());
        assertEquals(List.of("remote"), ran);
    }

    @Test
    void aPendingAnswerMayBePendingAgain() {
        ProxyFlow flow = flow(new Verdict.Pending(new CompletableFuture<>()), Verdict.CONTINUE);
        Exchange ex = exchange();
        flow.onRequest(ex);
        Verdict again = new Verdict.Pending(new CompletableFuture<>());
        assertSame(again, flow.resume(ex, again, null));
        assertEquals(Verdict.CONTINUE, flow.resume(ex, Verdict.CONTINUE, null));
        assertEquals(List.of("remote", "rules"), ran);
    }
}
