package dev.palisade.rules;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Exchange;

/**
 * The rules of every file, compiled once, in evaluation order (file-name order, then file order).
 * Immutable and shared by every connection; a reload builds a new one and swaps it whole.
 */
public final class RuleSet {

    public static final RuleSet EMPTY = new RuleSet(List.of());

    private final List<Rule> rules;
    private final Map<String, Rule> byId;
    private final int slots;
    private final boolean readsBody;
    private final PhraseIndex index;

    public RuleSet(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        Map<String, Integer> slotMap = new HashMap<>();
        Map<String, Rule> ids = new LinkedHashMap<>();
        boolean body = false;
        for (Rule r : this.rules) {
            r.when().targets(t -> t.assignSlots(slotMap));
            ids.putIfAbsent(r.id(), r);
            body |= r.readsBody();
        }
        this.slots = slotMap.size();
        this.byId = Map.copyOf(ids);
        this.readsBody = body;
        this.index = new PhraseIndex(this.rules);
    }

    /** Per thread, the evaluation its requests reuse (dropped with this rule set when a reload replaces it). */
    private final ThreadLocal<Evaluation> spare = new ThreadLocal<>();

    PhraseIndex index() {
        return index;
    }

    public List<Rule> rules() {
        return rules;
    }

    public int size() {
        return rules.size();
    }

    public Rule rule(String id) {
        return byId.get(id);
    }

    /**
     * Whether any rule reads the request body ({@code args}, {@code body}, ...). When true and the
     * configured {@code body_limit} is above 0, the server should capture that many body bytes into
     * {@link Exchange#body(byte[])} before the rule stage runs.
     */
    public boolean readsBody() {
        return readsBody;
    }

    int slots() {
        return slots;
    }

    /** A fresh per-request evaluation for {@code ex}. */
    Evaluation evaluation(Exchange ex, RulesConfig cfg) {
        return new Evaluation(ex, this, cfg.bodyLimit(), cfg.exclusions());
    }

    /**
     * An evaluation for {@code ex} that reuses this thread's arrays from its last request, unless those are
     * in use; the caller calls {@link Evaluation#end} when done (in a finally block).
     */
    Evaluation reusable(Exchange ex, RulesConfig cfg) {
        Evaluation ev = spare.get();
        if (ev == null) {
            ev = evaluation(ex, cfg);
            spare.set(ev);
            return ev;
        }
        return ev.busy() ? evaluation(ex, cfg) : ev.begin(ex, cfg.bodyLimit(), cfg.exclusions());
    }

    /** Whether {@code rule} (which must belong to this set) matches {@code ex}, ignoring mode and action. */
    public Match match(Rule rule, Exchange ex, RulesConfig cfg) {
        Evaluation ev = reusable(ex, cfg);
        try {
            return ev.ruleExcluded(rule) ? null : Expr.evaluate(rule.when(), ev, rule);
        } finally {
            ev.end();
        }
    }
}
