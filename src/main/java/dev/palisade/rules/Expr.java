package dev.palisade.rules;

import java.util.List;

import dev.palisade.rules.operator.Operator;
import dev.palisade.rules.transform.CharMask;

/**
 * A rule's {@code when} condition: conditions on targets combined with and, or and not. Evaluation
 * returns the match that made it true, or null.
 */
public sealed interface Expr permits Expr.Cond, Expr.Parts, Expr.Not {

    Match eval(Evaluation ev, Rule rule);

    /**
     * {@code e.eval(ev, rule)} by type tests rather than an interface call: the four kinds are final classes, so
     * each test is one compare, and the calls below stay monomorphic for the JIT.
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

    /**
     * {@code target operator}: holds when any value of the target passes the operator. A class rather than a
     * record so that what evaluation asks of the operator on every request is read once, here, instead of
     * through interface calls on each evaluation.
     */
    final class Cond implements Expr {
        private final Target target;
        private final Operator op;
        private final String opText;
        private final boolean decidedByPhrases;
        private final boolean presence;
        private final CharMask needs;
        private final boolean sift;
        /**
         * The rule set's number for this phrase condition, -1 when it has none: the phrase index numbers exactly the
         * conditions whose operator has phrases (see {@link PhraseIndex}).
         */
        private int phraseId = -1;

        public Cond(Target target, Operator op, String opText) {
            this.target = target;
            this.op = op;
            this.opText = opText;
            this.decidedByPhrases = op.decidedByPhrases();
            this.presence = op.presence();
            this.needs = op.needs();
            this.sift = needs != CharMask.ALL;
        }

        public Target target() {
            return target;
        }

        public Operator op() {
            return op;
        }

        public String opText() {
            return opText;
        }

        /** Set once, by the phrase index of the one rule set this condition belongs to. */
        void phraseId(int id) {
            if (phraseId >= 0 && phraseId != id) {
                throw new IllegalStateException("a condition belongs to one rule set");
            }
            phraseId = id;
        }

        int phraseId() {
            return phraseId;
        }

        @Override
        public Match eval(Evaluation ev, Rule rule) {
            int phrase = phraseId;
            if (phrase >= 0 && ev.phraseAbsent(phrase)) {
                return null;
            }
            // the phrase walk already knows which strings hold the phrases: no second walk per value
            boolean byWalk = phrase >= 0 && decidedByPhrases;
            Values values = target.values(ev);
            if (sift && !values.anyMeets(needs)) {
                return null;
            }
            for (int i = 0; i < values.size(); i++) {
                if (ev.excluding() && ev.excluded(rule, values.name(i)) || sift && !values.meets(i, needs)) {
                    continue;
                }
                String v = values.text(i);
                if (presence || (byWalk ? ev.phraseIn(v, phrase) : op.test(v))) {
                    return new Match(values, i, v);
                }
            }
            return null;
        }

        @Override
        public void targets(java.util.function.Consumer<Target> visitor) {
            visitor.accept(target);
        }

        @Override
        public String toString() {
            return target + " " + opText;
        }
    }

    /** {@code a and b and ...}: holds when every part holds; the match shown is the first part's with a value. */
    final class And extends Parts {
        public And(List<Expr> parts) {
            super(parts);
        }

        @Override
        public Match eval(Evaluation ev, Rule rule) {
            Match first = null;
            for (Expr p : array) {
                Match m = evaluate(p, ev, rule);
                if (m == null) {
                    return null;
                }
                if (first == null || first == Match.ABSENCE) {
                    first = m;
                }
            }
            return first;
        }
    }

    /** {@code a or b or ...}: holds when a part holds, the first in order. */
    final class Or extends Parts {
        public Or(List<Expr> parts) {
            super(parts);
        }

        @Override
        public Match eval(Evaluation ev, Rule rule) {
            for (Expr p : array) {
                Match m = evaluate(p, ev, rule);
                if (m != null) {
                    return m;
                }
            }
            return null;
        }
    }

    /**
     * What {@code and} and {@code or} share: their parts, also as an array that evaluation walks (an immutable
     * list's {@code get} is an interface call on one of two list classes).
     */
    abstract sealed class Parts implements Expr permits And, Or {
        private final List<Expr> parts;
        final Expr[] array;

        Parts(List<Expr> parts) {
            this.parts = List.copyOf(parts);
            this.array = this.parts.toArray(new Expr[0]);
        }

        public List<Expr> parts() {
            return parts;
        }

        @Override
        public void targets(java.util.function.Consumer<Target> visitor) {
            parts.forEach(p -> p.targets(visitor));
        }

        @Override
        public boolean equals(Object o) {
            return o != null && o.getClass() == getClass() && ((Parts) o).parts.equals(parts);
        }

        @Override
        public int hashCode() {
            return getClass().hashCode() * 31 + parts.hashCode();
        }

        @Override
        public String toString() {
            return getClass().getSimpleName() + parts;
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
