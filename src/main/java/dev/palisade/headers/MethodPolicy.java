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
 * {@code headers.deny_methods}. Method names are compared ignoring case, so {@code trace} is refused too,
 * and a denied method asked for through X-HTTP-Method-Override and its relatives is refused as well,
 * since the frameworks that honour those headers would run it.
 */
public final class MethodPolicy implements RequestStage {

    /** Always refused; the operator's list adds to these and cannot remove them. */
    public static final Set<String> ALWAYS_DENIED = Set.of("TRACE", "TRACK");

    /** Headers that frameworks read as the real method; a denied method there is refused the same way. */
    public static final java.util.List<String> OVERRIDES = java.util.List.of("x-http-method-override", "x-http-method",
            "x-method-override");

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
        for (int i = 0; i < OVERRIDES.size(); i++) {
            for (String v : ex.request().headers().getAll(OVERRIDES.get(i))) {
                if (denied.contains(v.trim().toUpperCase(Locale.ROOT))) {
                    return new Verdict.Respond(405, OVERRIDES.get(i) + " asks for a denied method", name());
                }
            }
        }
        return Verdict.CONTINUE;
    }
}
