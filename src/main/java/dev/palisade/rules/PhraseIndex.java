package dev.palisade.rules;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.palisade.rules.operator.PhraseAutomaton;

/**
 * Indexes the rules whose condition requires a phrase ({@code X contains any [...]} alone, or as the
 * first part of an {@code and}) by target: all such phrases of all rules reading the same target go into
 * one automaton. Rules that require an exact value ({@code X equals "..."}, {@code X in [...]}) are
 * indexed the same way in one hash map per target. Per request, one pass over each target's values tells which of those rules can match
 * at all; the others are skipped without evaluating them. So a thousand phrase rules on the user agent
 * cost one scan of the user agent, not a thousand.
 */
final class PhraseIndex {

    private final Target[] targets;
    private final PhraseAutomaton[] automata;
    private final Target[] literalTargets;
    private final List<Map<String, BitSet>> literals = new ArrayList<>();
    private final BitSet gated = new BitSet();

    PhraseIndex(List<Rule> rules) {
        Map<String, Target> byKey = new LinkedHashMap<>();
        Map<String, List<String>> phrases = new LinkedHashMap<>();
        Map<String, List<Integer>> labels = new LinkedHashMap<>();
        Map<String, Target> litByKey = new LinkedHashMap<>();
        Map<String, Map<String, BitSet>> litMaps = new LinkedHashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            Expr.Cond lit = literalGate(rules.get(i).when());
            if (lit != null) {
                String key = lit.target().key();
                litByKey.putIfAbsent(key, lit.target());
                Map<String, BitSet> m = litMaps.computeIfAbsent(key, k -> new java.util.HashMap<>());
                for (String v : lit.op().requiredValues()) {
                    m.computeIfAbsent(v, k -> new BitSet()).set(i);
                }
                gated.set(i);
                continue;
            }
            Expr.Cond gate = gate(rules.get(i).when());
            if (gate == null) {
                continue;
            }
            String key = gate.target().key();
            byKey.putIfAbsent(key, gate.target());
            for (String p : gate.op().requiredPhrases()) {
                phrases.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
                labels.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
            }
            gated.set(i);
        }
        literalTargets = litByKey.values().toArray(new Target[0]);
        literals.addAll(litMaps.values());
        targets = byKey.values().toArray(new Target[0]);
        automata = new PhraseAutomaton[targets.length];
        int t = 0;
        for (String key : byKey.keySet()) {
            automata[t++] = new PhraseAutomaton(phrases.get(key),
                    labels.get(key).stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** The condition that must hold for the rule to match, when it is a phrase condition. */
    private static Expr.Cond gate(Expr e) {
        if (e instanceof Expr.And a && !a.parts().isEmpty()) {
            e = a.parts().get(0);
        }
        if (e instanceof Expr.Cond c && !c.op().presence() && c.op().requiredPhrases() != null
                && !c.op().requiredPhrases().isEmpty()) {
            return c;
        }
        return null;
    }

    /** The condition that must hold for the rule to match, when it is an exact-value condition. */
    private static Expr.Cond literalGate(Expr e) {
        if (e instanceof Expr.And a && !a.parts().isEmpty()) {
            e = a.parts().get(0);
        }
        if (e instanceof Expr.Cond c && !c.op().presence() && c.op().requiredValues() != null) {
            return c;
        }
        return null;
    }

    boolean isEmpty() {
        return targets.length == 0 && literalTargets.length == 0;
    }

    /** Whether rule number {@code i} is indexed (it can be skipped when its phrases do not occur). */
    boolean gated(int i) {
        return gated.get(i);
    }

    /** The indexed rules whose phrases occur in this request. */
    BitSet passed(Evaluation ev) {
        BitSet out = new BitSet();
        for (int t = 0; t < targets.length; t++) {
            List<Value> values = targets[t].values(ev);
            for (int i = 0; i < values.size(); i++) {
                automata[t].labelsIn(values.get(i).text(), out);
            }
        }
        for (int t = 0; t < literalTargets.length; t++) {
            List<Value> values = literalTargets[t].values(ev);
            Map<String, BitSet> m = literals.get(t);
            for (int i = 0; i < values.size(); i++) {
                BitSet b = m.get(values.get(i).text());
                if (b != null) {
                    out.or(b);
                }
            }
        }
        return out;
    }
}
