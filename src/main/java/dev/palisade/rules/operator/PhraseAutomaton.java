package dev.palisade.rules.operator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An Aho-Corasick automaton. The alphabet is compressed to the characters that occur in the phrases (every
 * other character is one class). The states near the start, where a walk spends most of its steps, have
 * full rows of a deterministic table (16-bit entries when the automaton is small enough); a deeper state
 * keeps only its own edges, usually one, and falls back along its failure link to a state with a full row.
 * A full table for every state would hold states times classes entries (some 650 KB for the shipped rules)
 * that a proxy's other work pushes out of the CPU caches between requests; this way the automaton stays
 * near 64 KB and a failure link costs no more steps than the characters walked. In the start state,
 * characters that begin no phrase are skipped without touching the table. Phrases may carry a label (a rule
 * condition's number), so one automaton built from many rules' lists tells in one pass which conditions'
 * phrases occur in a value.
 */
public final class PhraseAutomaton {

    private final int[] asciiClass = new int[128];
    private final Map<Character, Integer> otherClass = new HashMap<>();
    private final int classes;
    /** States below this number (breadth-first, so the shallow ones) have full rows in the table. */
    private final int dense;
    /** Next state by state times {@link #classes} plus class, for the dense states; one of the two is null. */
    private final int[] delta;
    private final char[] smallDelta;
    /** For sparse state s: its edges are {@code edgeClass/edgeTarget[edgeStart[s - dense] .. edgeStart[s - dense + 1])}. */
    private final int[] edgeStart;
    private final int[] edgeClass;
    private final int[] edgeTarget;
    /** For sparse state s: its failure link, at {@code s - dense}. */
    private final int[] failOf;
    /** Bit s: state s accepts (some phrase ends here). */
    private final long[] accepting;
    private final int[][] labels;
    /** ASCII characters that leave the start state. */
    private final boolean[] starts = new boolean[128];
    /**
     * Bit {@code a * 128 + b} of this array: some phrase starts with the ASCII pair {@code ab}, or is the single
     * character {@code a}, or starts with {@code a} followed by a non-ASCII character. In the start state, a
     * character whose pair with the next character is not set cannot begin a match, so the walk stays in the
     * start state without touching the table.
     */
    private final long[] pairs = new long[128 * 128 / 64];
    private final boolean acceptsEmpty;
    /** Table entries the dense states may take when the depth is chosen here: 64 KB of 16-bit entries. */
    static final int DENSE_BUDGET = 32 * 1024;

    PhraseAutomaton(List<String> phrases) {
        this(phrases, null);
    }

    /** An automaton whose phrase {@code i} carries {@code phraseLabels[i]} (null: no labels). */
    public PhraseAutomaton(List<String> phrases, int[] phraseLabels) {
        this(phrases, phraseLabels, -1);
    }

    /**
     * With {@code denseDepth} >= 0, the states up to that depth get full rows; with -1, as many levels as fit in
     * {@link #DENSE_BUDGET} entries (the start state's row always).
     */
    PhraseAutomaton(List<String> phrases, int[] phraseLabels, int denseDepth) {
        int next = 1;
        for (String p : phrases) {
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c < 128) {
                    if (asciiClass[c] == 0) {
                        asciiClass[c] = next++;
                    }
                } else if (!otherClass.containsKey(c)) {
                    otherClass.put(c, next++);
                }
            }
        }
        classes = next;
        // trie
        List<int[]> go = new ArrayList<>();
        List<Boolean> out = new ArrayList<>();
        List<int[]> lab = new ArrayList<>();
        go.add(newRow());
        out.add(false);
        lab.add(null);
        for (int pi = 0; pi < phrases.size(); pi++) {
            String p = phrases.get(pi);
            int s = 0;
            for (int i = 0; i < p.length(); i++) {
                int c = classOf(p.charAt(i));
                if (go.get(s)[c] <= 0) {
                    go.add(newRow());
                    out.add(false);
                    lab.add(null);
                    go.get(s)[c] = go.size() - 1;
                }
                s = go.get(s)[c];
            }
            out.set(s, true);
            if (phraseLabels != null) {
                lab.set(s, union(lab.get(s), new int[] {phraseLabels[pi]}));
            }
        }
        int n = go.size();
        int[][] stateLabels = new int[n][];
        int[] table = new int[n * classes];
        boolean[] accept = new boolean[n];
        int[] fail = new int[n];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < classes; c++) {
            int t = go.get(0)[c];
            if (t > 0) {
                fail[t] = 0;
                table[c] = t;
                queue.add(t);
            } else {
                table[c] = 0;
            }
        }
        accept[0] = out.get(0);
        while (!queue.isEmpty()) {
            int s = queue.poll();
            accept[s] = out.get(s) || accept[fail[s]];
            stateLabels[s] = union(lab.get(s), stateLabels[fail[s]]);
            for (int c = 0; c < classes; c++) {
                int t = go.get(s)[c];
                if (t > 0) {
                    fail[t] = table[fail[s] * classes + c];
                    table[s * classes + c] = t;
                    queue.add(t);
                } else {
                    table[s * classes + c] = table[fail[s] * classes + c];
                }
            }
        }
        // number the states breadth-first, so the shallow ones, which get full rows, come first
        int[] order = new int[n];
        int[] depth = new int[n];
        int[] newId = new int[n];
        int head = 0;
        int size = 1;
        order[0] = 0;
        while (head < size) {
            int st = order[head++];
            for (int c = 0; c < classes; c++) {
                int t = go.get(st)[c];
                if (t > 0) {
                    depth[t] = depth[st] + 1;
                    order[size++] = t;
                }
            }
        }
        for (int k = 0; k < n; k++) {
            newId[order[k]] = k;
        }
        int maxDepth = denseDepth;
        if (maxDepth < 0) {
            // the deepest level whose states, with all shallower ones, still fit in the budget
            maxDepth = 0;
            while (true) {
                int fit = 0;
                for (int k = 0; k < n; k++) {
                    fit += depth[k] <= maxDepth + 1 ? 1 : 0;
                }
                if ((long) fit * classes > DENSE_BUDGET) {
                    break;
                }
                maxDepth++;
                if (fit == n) {
                    break;
                }
            }
        }
        int d = 0;
        while (d < n && depth[order[d]] <= maxDepth) {
            d++;
        }
        dense = d;
        labels = new int[n][];
        acceptsEmpty = accept[0];
        accepting = new long[(n + 63) / 64];
        for (int st = 0; st < n; st++) {
            int id = newId[st];
            labels[id] = stateLabels[st];
            if (accept[st]) {
                accepting[id >> 6] |= 1L << id;
            }
        }
        int[] rows = new int[dense * classes];
        for (int k = 0; k < dense; k++) {
            int st = order[k];
            for (int c = 0; c < classes; c++) {
                rows[k * classes + c] = newId[table[st * classes + c]];
            }
        }
        int sparse = n - dense;
        edgeStart = new int[sparse + 1];
        failOf = new int[sparse];
        List<int[]> edges = new ArrayList<>();
        for (int k = dense; k < n; k++) {
            int st = order[k];
            edgeStart[k - dense] = edges.size();
            failOf[k - dense] = newId[fail[st]];
            for (int c = 0; c < classes; c++) {
                int t = go.get(st)[c];
                if (t > 0) {
                    edges.add(new int[] {c, newId[t]});
                }
            }
        }
        edgeStart[sparse] = edges.size();
        edgeClass = new int[edges.size()];
        edgeTarget = new int[edges.size()];
        for (int k = 0; k < edges.size(); k++) {
            edgeClass[k] = edges.get(k)[0];
            edgeTarget[k] = edges.get(k)[1];
        }
        for (int ch = 0; ch < 128; ch++) {
            starts[ch] = asciiClass[ch] != 0 && table[asciiClass[ch]] != 0;
        }
        for (String p : phrases) {
            if (p.isEmpty()) {
                // matches everywhere: no pair may be skipped
                Arrays.fill(pairs, -1L);
                break;
            }
            char a = p.charAt(0);
            if (a >= 128) {
                continue;
            }
            char b = p.length() > 1 ? p.charAt(1) : 128;
            if (b < 128) {
                setPair(a, b);
            } else {
                for (int x = 0; x < 128; x++) {
                    setPair(a, x);
                }
            }
        }
        boolean small = n <= Character.MAX_VALUE;
        char[] narrow = null;
        if (small) {
            narrow = new char[rows.length];
            for (int k = 0; k < rows.length; k++) {
                narrow[k] = (char) rows[k];
            }
        }
        delta = small ? null : rows;
        smallDelta = narrow;
    }

    private static int[] union(int[] a, int[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * Sets the label of every phrase that occurs in {@code value} as a bit of {@code out}, label {@code k} being
     * bit {@code k % 64} of word {@code offset + k / 64}.
     */
    public void labelsIn(String value, long[] out, int offset) {
        int state = 0;
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char ch = value.charAt(i);
            if (state == 0 && ch < 128 && (!starts[ch] || i + 1 < n && !pairStarts(ch, value.charAt(i + 1)))) {
                continue;
            }
            state = step(state, ch);
            if ((accepting[state >> 6] & 1L << state) != 0) {
                for (int k : labels[state]) {
                    out[offset + (k >> 6)] |= 1L << k;
                }
            }
        }
    }

    private void setPair(int a, int b) {
        int k = a << 7 | b;
        pairs[k >> 6] |= 1L << k;
    }

    /** Whether a phrase can start at ASCII {@code a} followed by {@code b}. */
    private boolean pairStarts(char a, char b) {
        if (b >= 128) {
            return true;
        }
        int k = a << 7 | b;
        return (pairs[k >> 6] & 1L << k) != 0;
    }

    private int step(int state, char ch) {
        int c = ch < 128 ? asciiClass[ch] : (otherClass.isEmpty() ? 0 : classOf(ch));
        while (state >= dense) {
            int s = state - dense;
            for (int e = edgeStart[s], end = edgeStart[s + 1]; e < end; e++) {
                if (edgeClass[e] == c) {
                    return edgeTarget[e];
                }
            }
            state = failOf[s];
        }
        int k = state * classes + c;
        return smallDelta != null ? smallDelta[k] : delta[k];
    }

    private int[] newRow() {
        int[] r = new int[classes];
        Arrays.fill(r, -1);
        return r;
    }

    private int classOf(char c) {
        if (c < 128) {
            return asciiClass[c];
        }
        Integer k = otherClass.get(c);
        return k == null ? 0 : k;
    }

    /** Whether any phrase occurs in {@code value}. */
    boolean find(String value) {
        if (acceptsEmpty) {
            return true;
        }
        int state = 0;
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char ch = value.charAt(i);
            if (state == 0 && ch < 128 && (!starts[ch] || i + 1 < n && !pairStarts(ch, value.charAt(i + 1)))) {
                continue;
            }
            state = step(state, ch);
            if ((accepting[state >> 6] & 1L << state) != 0) {
                return true;
            }
        }
        return false;
    }
}
