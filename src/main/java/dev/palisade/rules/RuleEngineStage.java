package dev.palisade.rules;

import java.util.ArrayList;
import java.util.List;

import org.owasp.encoder.Encode;

import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Attrs;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.RequestStage;
import dev.palisade.pipeline.Verdict;

/**
 * The rule engine as a request stage: after rate limiting, before routing. Evaluates the compiled
 * rules in order; a {@code block} rule answers at once, an {@code allow} rule stops evaluation and lets
 * the request through, {@code score} rules add up and block at the end when the sum reaches the
 * configured threshold. In mode {@code detect} nothing is blocked, and in mode {@code off} nothing is
 * evaluated. Every hit is left in {@link #HITS} for the security log.
 */
public final class RuleEngineStage implements RequestStage {

    /** The rules that matched this request, in evaluation order. */
    public static final Attrs.Key<List<RuleHit>> HITS = Attrs.Key.of("rules.hits");

    /** The request's anomaly score (the sum of its matched score rules). */
    public static final Attrs.Key<Integer> ANOMALY_SCORE = Attrs.Key.of("rules.score");

    /** The longest excerpt of a matched value kept for the log, in characters before encoding. */
    public static final int EXCERPT = 120;

    private final RuleSet rules;
    private final RulesConfig cfg;
    private final boolean off;
    private final boolean blocking;

    public RuleEngineStage(RuleSet rules, RulesConfig cfg) {
        this.rules = rules;
        this.cfg = cfg;
        this.off = cfg.mode().equals("off");
        this.blocking = cfg.mode().equals("block");
    }

    @Override
    public String name() {
        return "rules";
    }

    public RuleSet ruleSet() {
        return rules;
    }

    @Override
    public Verdict onRequest(Exchange ex) {
        if (off || rules.size() == 0) {
            return Verdict.CONTINUE;
        }
        Evaluation ev = rules.reusable(ex, cfg);
        try {
            return evaluate(ex, ev);
        } finally {
            ev.end();
        }
    }

    private Verdict evaluate(Exchange ex, Evaluation ev) {
        List<RuleHit> hits = null;
        int score = 0;
        Rule crossed = null;
        List<Rule> all = rules.rules();
        PhraseIndex.Candidates candidates = rules.index().candidates(ev);
        for (int i = candidates.next(-1); i >= 0; i = candidates.next(i)) {
            Rule rule = all.get(i);
            if (ev.ruleExcluded(rule)) {
                continue;
            }
            Match m = Expr.evaluate(rule.when(), ev, rule);
            if (m == null) {
                continue;
            }
            Action a = rule.action();
            if (hits == null) {
                hits = new ArrayList<>(4);
                ex.attrs().put(HITS, hits);
            }
            switch (a.kind()) {
                case ALLOW:
                    hits.add(hit(rule, m, "allow", 0));
                    return Verdict.CONTINUE;
                case LOG:
                    hits.add(hit(rule, m, "log", 0));
                    break;
                case SCORE:
                    if (a.detectOnly()) {
                        hits.add(hit(rule, m, "detect", 0));
                    } else {
                        score += a.score();
                        ex.attrs().put(ANOMALY_SCORE, score);
                        hits.add(hit(rule, m, "score", a.score()));
                        if (crossed == null && score >= cfg.anomalyThreshold()) {
                            crossed = rule;
                        }
                    }
                    break;
                default:
                    if (blocking && !a.detectOnly()) {
                        hits.add(hit(rule, m, "block", 0));
                        int status = a.status() == 0 ? cfg.blockStatus() : a.status();
                        return new Verdict.Respond(status, reason(rule, m), rule.id());
                    }
                    hits.add(hit(rule, m, "detect", 0));
            }
        }
        if (crossed != null && blocking) {
            return new Verdict.Respond(cfg.blockStatus(), "anomaly score " + score + " >= " + cfg.anomalyThreshold()
                    + " (rules " + scoreRules(hits) + ")", crossed.id());
        }
        return Verdict.CONTINUE;
    }

    private static String scoreRules(List<RuleHit> hits) {
        StringBuilder sb = new StringBuilder();
        for (RuleHit h : hits) {
            if (h.score() > 0) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(h.ruleId());
            }
        }
        return sb.toString();
    }

    private static String reason(Rule rule, Match m) {
        return "rule " + rule.id() + " (" + rule.message() + ")" + (m.field().isEmpty() ? "" : " matched " + m.field());
    }

    private static RuleHit hit(Rule rule, Match m, String action, int score) {
        return new RuleHit(rule.id(), rule.message(), m.field(), excerpt(m.value()), action, score, rule.action().tags());
    }

    /** Truncates a matched value and encodes it so it is safe to write into a log line. */
    public static String excerpt(String value) {
        String v = value.length() > EXCERPT ? value.substring(0, EXCERPT) + "..." : value;
        return Encode.forJava(v);
    }
}
