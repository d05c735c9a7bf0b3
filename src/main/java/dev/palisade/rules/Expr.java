package dev.palisade.rules;

import java.util.List;

import dev.palisade.rules.operator.Operator;
import dev.palisade.rules.transform.CharMask;

/**
 * A rule's {@code when} condition: conditions on targets combined with and, or and not. Evaluation
 * returns the match that made it true, or null.
 */
public sealed interface Expr permits Expr.Cond, Expr.And, Expr.Or, Expr.Not {

    Match eval(Evaluation ev, Rule rule);

    /**
     * {@code e.eval(ev, rule)} by type tests rather than an interface call: the four kinds are records, so each
     * test is one compare, and the calls below stay monomorphic for the JIT.
     */
    static Match evaluate(Expr e, Evaluation ev, Rule rule) {
        if (e instanceof Cond c) {
            return c.eval(ev, rule);
        }
        if (e instanceof Or o) {
            return o.eval(ev, rule);
        }
        if (e instanceof And a) {
            return a.eval(ev, rule);
        }
        return ((Not) e).eval(ev, rule);
    }

    /** Calls {@code visitor} with every target in this expression. */
    void targets(java.util.function.Consumer<Target> visitor);

    /** {@code target operator}: holds when any value of the target passes the operator. */
    record Cond(Target target, Operator op, String opText) implements Expr {
        @Override
        public Match eval(Evaluation ev, Rule rule) {
            int phrase = op.requiredPhrases() == null ? -1 : ev.phraseId(this);
            if (phrase >= 0 && ev.phraseAbsent(phrase)) {
                return null;
            }
            // the phrase walk already knows which strings hold the phrases: no second walk per value
            boolean byWalk = phrase >= 0 && op.decidedByPhrases();
            Values values = target.values(ev);
            CharMask needs = op.needs();
            boolean sift = needs != CharMask.ALL;
            if (sift && !values.anyMeets(needs)) {
                return null;
            }
            for (int i = 0; i < values.size(); i++) {
                if (ev.excluding() && ev.excluded(rule, values.name(i)) || sift && !values.meets(i, needs)) {
                    continue;
                }
                String v = values.text(i);
                if (op.presence() || (byWalk ? ev.phraseIn(v, phrase) : op.test(v))) {
                    return new Match(values.name(i), v);
                }
            }
            return null;
        }

        @Override
        public void targets(java.util.function.Consumer<Target> visitor) {
            visitor.accept(target);
        }
    }

    record And(List<Expr> parts) implements Expr {
        @Override
        public Match eval(Evaluation ev, Rule rule) {
            Match first = null;
            for (int i = 0, n = parts.size(); i < n; i++) {
                Match m = evaluate(parts.get(i), ev, rule);
                if (m == null) {
                    return null;
                }
                if (first == null || first == Match.ABSENCE) {
                    first = m;
                }
            }
            return first;
        }

        @Override
        public void targets(java.util.function.Consumer<Target> visitor) {
            parts.forEach(p -> p.targets(visitor));
        }
    }

    record Or(List<Expr> parts) implements Expr {
        @Override
        public Match eval(Evaluation ev, Rule rule) {
            for (int i = 0, n = parts.size(); i < n; i++) {
                Match m = evaluate(parts.get(i), ev, rule);
                if (m != null) {
                    return m;
                }
            }
            return null;
        }

        @Override
        public void targets(java.util.function.Consumer<Target> visitor) {
            parts.forEach(p -> p.targets(visitor));
        }
    }

    record Not(Expr inner) implements Expr {
        @Override
        public Match eval(Evaluation ev, Rule rule) {
            return evaluate(inner, ev, rule) == null ? Match.ABSENCE : null;
        }

        @Override
        public void targets(java.util.function.Consumer<Target> visitor) {
            inner.targets(visitor);
        }
    }
}
