package dev.palisade.rules.operator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An Aho-Corasick automaton compiled into a deterministic table: one array lookup per character of
 * the value, whatever the number of phrases. The alphabet is compressed to the characters that occur in
 * the phrases (every other character is one class), which keeps the table small. Phrases may carry a
 * label (a rule's index), so one automaton built from many rules' lists tells in one pass which rules'
 * phrases occur in a value.
 */
public final class PhraseAutomaton {

    private final int[] asciiClass = new int[128];
    private final Map<Character, Integer> otherClass = new HashMap<>();
    private final int classes;
    private final int[] delta;
    private final boolean[] accept;
    private final int[][] labels;

    PhraseAutomaton(List<String> phrases) {
        this(phrases, null);
    }

    /** An automaton whose phrase {@code i} carries {@code phraseLabels[i]} (null: no labels). */
    public PhraseAutomaton(List<String> phrases, int[] phraseLabels) {
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
        labels = new int[n][];
        delta = new int[n * classes];
        accept = new boolean[n];
        int[] fail = new int[n];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < classes; c++) {
            int t = go.get(0)[c];
            if (t > 0) {
                fail[t] = 0;
                delta[c] = t;
                queue.add(t);
            } else {
                delta[c] = 0;
            }
        }
        accept[0] = out.get(0);
        while (!queue.isEmpty()) {
            int s = queue.poll();
            accept[s] = out.get(s) || accept[fail[s]];
            labels[s] = union(lab.get(s), labels[fail[s]]);
            for (int c = 0; c < classes; c++) {
                int t = go.get(s)[c];
                if (t > 0) {
                    fail[t] = delta[fail[s] * classes + c];
                    delta[s * classes + c] = t;
                    queue.add(t);
                } else {
                    delta[s * classes + c] = delta[fail[s] * classes + c];
                }
            }
        }
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

    /** Sets in {@code out} the label of every phrase that occurs in {@code value}. */
    public void labelsIn(String value, java.util.BitSet out) {
        int s = 0;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            int c = ch < 128 ? asciiClass[ch] : (otherClass.isEmpty() ? 0 : classOf(ch));
            s = delta[s * classes + c];
            int[] l = labels[s];
            if (l != null) {
                for (int k : l) {
                    out.set(k);
                }
            }
        }
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
        if (accept[0]) {
            return true;
        }
        int s = 0;
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            int c = ch < 128 ? asciiClass[ch] : (otherClass.isEmpty() ? 0 : classOf(ch));
            s = delta[s * classes + c];
            if (accept[s]) {
                return true;
            }
        }
        return false;
    }
}
