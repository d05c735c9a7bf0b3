package dev.palisade.headers;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.RequestStage;
import dev.palisade.pipeline.Verdict;

/**
 * Refuses methods with 405 before anything else looks at the request: TRACE and TRACK always (they echo
 * the request, cookies included, back to a script: cross-site tracing), and the operator's
 * {@code headers.deny_methods}. Method names are compared ignoring case, so {@code trace} is refused too.
 */
public final class MethodPolicy implements RequestStage {

    /** Always refused; the operator's list adds to these and cannot remove them. */
    public static final Set<String> ALWAYS_DENIED = Set.of("TRACE", "TRACK");

    private final Set<String> denied;

    public MethodPolicy(Collection<String> denyMethods) {
        Set<String> d = new HashSet<>(ALWAYS_DENIED);
        for (String m : denyMethods) {
            d.add(m.toUpperCase(Locale.ROOT));
        }
        this.denied = Set.copyOf(d);
    }

    @Override
    public String name() {
        return "method-policy";
    }

    @Override
    public Verdict onRequest(Exchange ex) {
        String method = ex.request().method();
        if (denied.contains(method.toUpperCase(Locale.ROOT))) {
            return new Verdict.Respond(405, "method " + method + " is denied", name());
        }
        return Verdict.CONTINUE;
    }
}
