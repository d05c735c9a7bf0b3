package dev.palisade.rules;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.palisade.rules.operator.KnownValues;
import dev.palisade.rules.operator.PhraseAutomaton;

/**
 * What the rule set knows before evaluating a rule, so most rules are never evaluated.
 *
 * <p>Phrase conditions ({@code X contains "..."}, {@code X contains any [...]}), wherever they sit in any
 * rule, are grouped by target: all phrases of all conditions on the same target go into one automaton, and
 * one pass over the target's values per request tells which of those conditions can hold. A condition whose
 * phrases did not occur is false without scanning again, so ten rules reading {@code lower(headers)} cost
 * one scan of the headers. Exact-value conditions ({@code X equals "..."}, {@code X in [...]}) are grouped
 * by target into one hash map the same way.
 *
 * <p>Each rule gets a necessary condition read off its expression: a phrase or exact-value condition it
 * cannot match without (the first such part of an {@code and}; every branch of an {@code or}, when each has
 * one). A rule with one is a candidate only when that condition holds, and candidates are found through the
 * conditions that hold, so a thousand phrase or literal rules that do not match cost a few hash lookups and
 * one scan per target, not a thousand evaluations. Rules without one (detectors, regular expressions,
 * counts, negations) are always evaluated.
 */
final class PhraseIndex {

    /** Targets with phrase conditions. */
    private final Target[] phraseTargets;
    /** Every phrase of every phrase condition, labelled by condition id: one walk of a string serves every target. */
    private final PhraseAutomaton automaton;
    /** Words of a label set: phrase condition ids over 64. */
    private final int words;
    /** For phrase target t: its phrase condition ids as bits, {@link #words} words from {@code t * words}. */
    private final long[] masks;
    /** Phrase condition id to its target's position in {@link #phraseTargets}. */
    private final int[] phraseTargetOf;
    private final IdentityHashMap<Expr.Cond, Integer> phraseIds = new IdentityHashMap<>();

    /** Targets with exact-value gate conditions, each with value to literal condition ids. */
    private final Target[] literalTargets;
    private final List<Map<String, int[]>> literals = new ArrayList<>();
    private final int literalCount;

    /** For atom a (phrase ids first, then literal ids offset by the phrase count): the rules it gates. */
    private final int[][] rulesOfAtom;
    /**
     * Phrase targets some rule's necessary condition reads, in the order of the first rule that needs each;
     * a request scans one when evaluation reaches that rule (a block before it spares the scan).
     */
    private final int[] gateOrder;
    /** For phrase target t: the first rule whose necessary condition reads it. */
    private final int[] firstRule;
    /** For phrase target t: its phrase condition ids. */
    private final int[][] condsOf;
    /** Rules without a necessary condition: evaluated for every request. */
    private final BitSet ungated = new BitSet();

    PhraseIndex(List<Rule> rules) {
        Map<String, Target> byKey = new LinkedHashMap<>();
        Map<String, List<String>> phrases = new LinkedHashMap<>();
        Map<String, List<Integer>> labels = new LinkedHashMap<>();
        List<Integer> targetOf = new ArrayList<>();
        Map<String, Integer> positions = new HashMap<>();
        for (Rule r : rules) {
            collectPhrases(r.when(), byKey, positions, phrases, labels, targetOf);
        }
        phraseTargets = byKey.values().toArray(new Target[0]);
        List<String> allPhrases = new ArrayList<>();
        List<Integer> allLabels = new ArrayList<>();
        for (String key : byKey.keySet()) {
            allPhrases.addAll(phrases.get(key));
            allLabels.addAll(labels.get(key));
        }
        automaton = new PhraseAutomaton(allPhrases, allLabels.stream().mapToInt(Integer::intValue).toArray());
        phraseTargetOf = targetOf.stream().mapToInt(Integer::intValue).toArray();
        words = Math.max(1, (phraseTargetOf.length + 63) >> 6);
        masks = new long[phraseTargets.length * words];
        for (int id = 0; id < phraseTargetOf.length; id++) {
            masks[phraseTargetOf[id] * words + (id >> 6)] |= 1L << id;
        }

        Map<String, Target> litByKey = new LinkedHashMap<>();
        Map<String, Map<String, List<Integer>>> litMaps = new LinkedHashMap<>();
        List<List<Integer>> atomRules = new ArrayList<>();
        for (int i = 0; i < phraseTargetOf.length; i++) {
            atomRules.add(new ArrayList<>());
        }
        List<int[]> needs = new ArrayList<>();
        List<Expr.Cond> literalConds = new ArrayList<>();
        for (Rule r : rules) {
            needs.add(need(r.when(), literalConds));
        }
        for (int c = 0; c < literalConds.size(); c++) {
            Expr.Cond lit = literalConds.get(c);
            String key = lit.target().key();
            litByKey.putIfAbsent(key, lit.target());
            Map<String, List<Integer>> m = litMaps.computeIfAbsent(key, k -> new HashMap<>());
            for (String v : lit.op().requiredValues()) {
                m.computeIfAbsent(v, k -> new ArrayList<>()).add(c);
            }
        }
        literalTargets = litByKey.values().toArray(new Target[0]);
        for (Map<String, List<Integer>> m : litMaps.values()) {
            Map<String, int[]> frozen = new HashMap<>();
            m.forEach((v, ids) -> frozen.put(v, ids.stream().mapToInt(Integer::intValue).toArray()));
            literals.add(frozen);
        }
        literalCount = literalConds.size();
        for (int c = 0; c < literalCount; c++) {
            atomRules.add(new ArrayList<>());
        }
        int[] first = new int[phraseTargets.length];
        java.util.Arrays.fill(first, Integer.MAX_VALUE);
        for (int i = 0; i < needs.size(); i++) {
            int[] need = needs.get(i);
            if (need == null) {
                ungated.set(i);
                continue;
            }
            for (int atom : need) {
                atomRules.get(atom).add(i);
                if (atom < phraseTargetOf.length) {
                    first[phraseTargetOf[atom]] = Math.min(first[phraseTargetOf[atom]], i);
                }
            }
        }
        firstRule = first;
        gateOrder = java.util.stream.IntStream.range(0, first.length).filter(k -> first[k] != Integer.MAX_VALUE)
                .boxed().sorted(java.util.Comparator.comparingInt(k -> first[k])).mapToInt(Integer::intValue).toArray();
        List<List<Integer>> conds = new ArrayList<>();
        for (int k = 0; k < phraseTargets.length; k++) {
            conds.add(new ArrayList<>());
        }
        for (int id = 0; id < phraseTargetOf.length; id++) {
            conds.get(phraseTargetOf[id]).add(id);
        }
        condsOf = conds.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        rulesOfAtom = new int[atomRules.size()][];
        for (int a = 0; a < rulesOfAtom.length; a++) {
            rulesOfAtom[a] = atomRules.get(a).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private void collectPhrases(Expr e, Map<String, Target> byKey, Map<String, Integer> positions,
                                Map<String, List<String>> phrases, Map<String, List<Integer>> labels,
                                List<Integer> targetOf) {
        if (e instanceof Expr.Cond c) {
            List<String> required = c.op().presence() ? null : c.op().requiredPhrases();
            if (required == null || required.isEmpty() || phraseIds.containsKey(c)) {
                return;
            }
            String key = c.target().key();
            byKey.putIfAbsent(key, c.target());
            int id = phraseIds.size();
            phraseIds.put(c, id);
            c.phraseId(id);
            targetOf.add(positions.computeIfAbsent(key, k -> positions.size()));
            for (String p : required) {
                phrases.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
                labels.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
            }
        } else if (e instanceof Expr.And a) {
            a.parts().forEach(p -> collectPhrases(p, byKey, positions, phrases, labels, targetOf));
        } else if (e instanceof Expr.Or o) {
            o.parts().forEach(p -> collectPhrases(p, byKey, positions, phrases, labels, targetOf));
        } else if (e instanceof Expr.Not n) {
            collectPhrases(n.inner(), byKey, positions, phrases, labels, targetOf);
        }
    }

    /**
     * Atoms one of which must hold for {@code e} to hold, or null when there is no such set. Phrase atoms
     * are phrase condition ids; exact-value atoms are added to {@code literalConds} and numbered after the
     * phrase conditions.
     */
    private int[] need(Expr e, List<Expr.Cond> literalConds) {
        if (e instanceof Expr.Cond c) {
            Integer id = phraseIds.get(c);
            if (id != null) {
                return new int[] {id};
            }
            if (!c.op().presence() && c.op().requiredValues() != null) {
                literalConds.add(c);
                return new int[] {phraseTargetOf.length + literalConds.size() - 1};
            }
            return null;
        }
        if (e instanceof Expr.And a) {
            for (Expr p : a.parts()) {
                int[] n = need(p, literalConds);
                if (n != null) {
                    return n;
                }
            }
            return null;
        }
        if (e instanceof Expr.Or o) {
            int mark = literalConds.size();
            int[] all = new int[0];
            for (Expr p : o.parts()) {
                int[] n = need(p, literalConds);
                if (n == null) {
                    literalConds.subList(mark, literalConds.size()).clear();
                    return null;
                }
                int[] grown = java.util.Arrays.copyOf(all, all.length + n.length);
                System.arraycopy(n, 0, grown, all.length, n.length);
                all = grown;
            }
            return all;
        }
        return null;
    }

    int phraseTargets() {
        return phraseTargets.length;
    }

    /**
     * Marks in {@code found} every condition of phrase target {@code t} whose phrase occurs in one of its values.
     * Each distinct string is walked once per request, whatever the number of targets it is a value of.
     */
    void scan(int t, Evaluation ev, long[] found) {
        long[] labels = phraseTargets[t].values(ev).phraseLabels(ev, words);
        int m = t * words;
        for (int w = 0; w < words; w++) {
            found[w] |= labels[w] & masks[m + w];
        }
    }

    /** Words per label set. */
    int words() {
        return words;
    }

    /**
     * Sets the labels of the phrases in {@code value} as bits of {@code out} from word {@code offset}. The labels of
     * short values are remembered across requests ({@link KnownValues}): a remembered value costs a hash and a
     * comparison instead of a walk.
     */
    void labelsIn(String value, long[] out, int offset) {
        if (!KnownValues.keeps(value)) {
            automaton.labelsIn(value, out, offset);
            return;
        }
        long[] labels = known.get(value);
        if (labels == null) {
            labels = new long[words];
            automaton.labelsIn(value, labels, 0);
            known.put(value, labels);
        }
        for (int w = 0; w < words; w++) {
            out[offset + w] |= labels[w];
        }
    }

    /** Slots of the table of remembered labels. */
    static final int KNOWN_SLOTS = 4096;

    private final KnownValues<long[]> known = new KnownValues<>(KNOWN_SLOTS);

    /** Which target phrase condition {@code id} reads. */
    int targetOf(int id) {
        return phraseTargetOf[id];
    }

    /** A per-request walk over the rules that can match, in evaluation order. */
    Candidates candidates(Evaluation ev) {
        return new Candidates(ev);
    }

    /**
     * The ungated rules and those whose necessary condition holds. Exact-value conditions are looked up at
     * once (a hash lookup per value); a phrase target is scanned only when the walk reaches the first rule
     * that needs it, since its conditions can add that rule or later ones.
     */
    final class Candidates {
        private final Evaluation ev;
        private final BitSet rules;
        private int gate;

        private Candidates(Evaluation ev) {
            this.ev = ev;
            this.rules = (BitSet) ungated.clone();
            int base = phraseTargetOf.length;
            for (int t = 0; t < literalTargets.length; t++) {
                Values values = literalTargets[t].values(ev);
                Map<String, int[]> m = literals.get(t);
                for (int i = 0; i < values.size(); i++) {
                    int[] ids = m.get(values.text(i));
                    if (ids != null) {
                        for (int id : ids) {
                            add(base + id);
                        }
                    }
                }
            }
        }

        private void add(int atom) {
            for (int r : rulesOfAtom[atom]) {
                rules.set(r);
            }
        }

        /** The next rule after rule {@code after} that can match, or -1. */
        int next(int after) {
            while (true) {
                int r = rules.nextSetBit(after + 1);
                if (gate < gateOrder.length && (r < 0 || firstRule[gateOrder[gate]] <= r)) {
                    int t = gateOrder[gate++];
                    ev.scanPhrases(t);
                    for (int id : condsOf[t]) {
                        if (ev.phraseFound(id)) {
                            add(id);
                        }
                    }
                    continue;
                }
                return r;
            }
        }
    }
}
