package dev.palisade.rules;

import java.util.Arrays;
import java.util.Locale;

import dev.palisade.rules.transform.CharMask;
import dev.palisade.rules.transform.Transform;

/**
 * The values one target yielded for one request, each with its name for the log and for exclusions
 * ({@code args:q}). Arrays rather than a list of records: a transform that changes no value returns the
 * same instance, one that changes some shares the names and copies only the texts, and a name is put
 * together ({@code "args:" + "q"}) only when a match or an exclusion asks for it. The values of
 * {@code any(a, b)} are a view over the members' values, not a copy, so the members' summaries and phrase
 * labels serve the union too, and a transform of the union is the union of the members' transforms.
 */
final class Values {

    /** The name prefix of header values, whose keys are lower-cased when a name is put together. */
    static final String HEADERS = "headers:";

    static final Values NONE = new Values("", null, new String[0], 0);

    /** The prefix of every value (null for a union). */
    private final String prefix;
    /** The key after the prefix ({@code q} of {@code args:q}) per value; null when no value has one. */
    private final String[] keys;
    private final String[] texts;
    private final int size;
    /** Names put together so far, shared by every transform of the same field values. */
    private String[] names;
    /** The characters of text i as a {@link CharMask} summary in words 2i and 2i + 1; null until asked for. */
    private long[] chars;
    /** The union of {@link #chars}: characters some text holds. */
    private long charsLo;
    private long charsHi;
    /** The labels of the phrases occurring in some text (see {@link #phraseLabels}); null until asked for. */
    private long[] phraseLabels;
    /** For the values of {@code any(...)}: the members' non-empty values, in order (no texts of its own); else null. */
    private final Values[] parts;
    /** For a union: where each member's values start, and the union's size last ({@code parts.length + 1} entries). */
    private final int[] starts;

    private Values(String prefix, String[] keys, String[] texts, int size) {
        this.prefix = prefix;
        this.keys = keys;
        this.texts = texts;
        this.size = size;
        this.parts = null;
        this.starts = null;
    }

    private Values(Values[] parts) {
        int[] at = new int[parts.length + 1];
        for (int k = 0; k < parts.length; k++) {
            at[k + 1] = at[k] + parts[k].size;
        }
        this.prefix = null;
        this.keys = null;
        this.texts = null;
        this.size = at[parts.length];
        this.parts = parts;
        this.starts = at;
    }

    /** For a union: the position in {@link #parts} of the member that holds value {@code i}. */
    private int part(int i) {
        java.util.Objects.checkIndex(i, size);
        int k = 0;
        while (i >= starts[k + 1]) {
            k++;
        }
        return k;
    }

    static Values one(String name, String text) {
        return new Values(name, null, new String[] {text}, 1);
    }

    int size() {
        return size;
    }

    String text(int i) {
        if (parts == null) {
            return texts[i];
        }
        int k = part(i);
        return parts[k].text(i - starts[k]);
    }

    private String key(int i) {
        return keys == null ? null : keys[i];
    }

    /** {@code prefix + key} ({@code args:q}), the key lower-cased for headers; just the prefix when there is no key. */
    String name(int i) {
        if (parts != null) {
            int k = part(i);
            return parts[k].name(i - starts[k]);
        }
        String[] n = names;
        if (n == null) {
            n = new String[texts.length];
            names = n;
        }
        String s = n[i];
        if (s == null) {
            String k = key(i);
            String p = prefix;
            s = k == null ? p : p + (p == HEADERS ? k.toLowerCase(Locale.ROOT) : k);
            n[i] = s;
        }
        return s;
    }

    /**
     * These values through {@code t} (whose {@link Transform#triggers} and {@link Transform#stoppers} are
     * passed along, read once per target), computed with {@code ev}'s memo; this instance when no text changed,
     * else a new one sharing the names. A text that holds none of the transform's {@link Transform#triggers}
     * (or one of its {@link Transform#stoppers}) is not read, so a chain of transforms over values with nothing
     * to decode costs a few bit tests, not a pass over every character per transform.
     */
    Values map(Transform t, int transformId, CharMask triggers, CharMask stoppers, Evaluation ev) {
        if (size == 0) {
            return this;
        }
        if (parts != null) {
            Values[] out = null;
            for (int k = 0; k < parts.length; k++) {
                Values m = parts[k].map(t, transformId, triggers, stoppers, ev);
                if (m != parts[k] && out == null) {
                    out = parts.clone();
                }
                if (out != null) {
                    out[k] = m;
                }
            }
            return out == null ? this : new Values(out);
        }
        long[] c = chars();
        if (!triggers.meets(charsLo, charsHi)) {
            return this;
        }
        String[] out = null;
        long[] outChars = null;
        long[] changed = ev.changedChars();
        for (int i = 0; i < size; i++) {
            long lo = c[2 * i];
            long hi = c[2 * i + 1];
            if (!triggers.meets(lo, hi) || stoppers.meets(lo, hi)) {
                continue;
            }
            String v = texts[i];
            // a trigger does not mean a change (remove_comments meets every '/' of a path): the copies of the
            // texts and their summaries are made at the first text that changes
            String r = ev.transformed(t, transformId, v);
            if (r != v) {
                if (out == null) {
                    out = Arrays.copyOf(texts, size);
                    outChars = Arrays.copyOf(c, 2 * size);
                }
                out[i] = r;
                outChars[2 * i] = changed[0];
                outChars[2 * i + 1] = changed[1];
            }
        }
        if (out == null) {
            return this;
        }
        Values m = withTexts(out);
        m.setChars(outChars);
        return m;
    }

    /** Whether text {@code i} holds a character of {@code m}. */
    boolean meets(int i, CharMask m) {
        if (parts != null) {
            int k = part(i);
            return parts[k].meets(i - starts[k], m);
        }
        long[] c = chars();
        return m.meets(c[2 * i], c[2 * i + 1]);
    }

    /** Whether some text holds a character of {@code m}. */
    boolean anyMeets(CharMask m) {
        if (parts != null) {
            for (Values p : parts) {
                if (p.anyMeets(m)) {
                    return true;
                }
            }
            return false;
        }
        chars();
        return m.meets(charsLo, charsHi);
    }

    /** The character summary of every text (two words each), computed on first use. */
    private long[] chars() {
        if (chars == null) {
            long[] c = new long[2 * size];
            for (int i = 0; i < size; i++) {
                CharMask.summarize(texts[i], c, 2 * i);
            }
            setChars(c);
        }
        return chars;
    }

    private void setChars(long[] c) {
        long lo = 0;
        long hi = 0;
        for (int i = 0; i < size; i++) {
            lo |= c[2 * i];
            hi |= c[2 * i + 1];
        }
        chars = c;
        charsLo = lo;
        charsHi = hi;
    }

    /**
     * The labels of the phrases that occur in some text, as {@link PhraseIndex#words} words: asked for once per
     * values instance, so every target that yields the same instance (a transform that changed nothing) shares
     * one look at each text.
     */
    long[] phraseLabels(Evaluation ev, int words) {
        if (size == 0) {
            // NONE is shared by every request: nothing is kept on it
            return ev.noPhraseLabels();
        }
        if (phraseLabels == null) {
            long[] u = new long[words];
            if (parts != null) {
                // the members' own values are often targets of other conditions: their labels are reused
                for (Values p : parts) {
                    long[] l = p.phraseLabels(ev, words);
                    for (int w = 0; w < words; w++) {
                        u[w] |= l[w];
                    }
                }
                phraseLabels = u;
                return u;
            }
            for (int i = 0; i < size; i++) {
                int at = ev.labelsOf(texts[i]);
                long[] labels = ev.phraseLabels();
                for (int w = 0; w < words; w++) {
                    u[w] |= labels[at + w];
                }
            }
            phraseLabels = u;
        }
        return phraseLabels;
    }

    /** The length of each value, under the same names. */
    Values lengths() {
        if (parts != null) {
            Values[] out = new Values[parts.length];
            for (int k = 0; k < parts.length; k++) {
                out[k] = parts[k].lengths();
            }
            return new Values(out);
        }
        String[] out = new String[size];
        for (int i = 0; i < size; i++) {
            out[i] = Integer.toString(texts[i].length());
        }
        return withTexts(out);
    }

    private Values withTexts(String[] out) {
        if (names == null) {
            names = new String[texts.length];
        }
        Values m = new Values(prefix, keys, out, size);
        m.names = names;
        return m;
    }

    /** The values named {@code prefix + key} ({@code args:q} from {@code args}); header keys compared ignoring case. */
    Values select(String prefix, String key) {
        if (parts != null) {
            throw new IllegalStateException("select reads a field's own values, not a union");
        }
        Builder b = null;
        long[] c = null;
        for (int i = 0; i < size; i++) {
            String p = this.prefix;
            String k = key(i);
            if (p.equals(prefix) && k != null && (p == HEADERS ? key.equalsIgnoreCase(k) : key.equals(k))) {
                b = b == null ? new Builder(prefix, 1) : b;
                b.add(k, texts[i]);
                if (chars != null) {
                    // the selected texts keep the summaries already made of them
                    c = c == null ? new long[2] : Arrays.copyOf(c, c.length + 2);
                    c[c.length - 2] = chars[2 * i];
                    c[c.length - 1] = chars[2 * i + 1];
                }
            }
        }
        if (b == null) {
            return NONE;
        }
        Values v = b.build();
        if (c != null) {
            v.setChars(c);
        }
        return v;
    }

    /** How many values {@link #select} would pick. */
    int count(String prefix, String key) {
        if (parts != null) {
            throw new IllegalStateException("count reads a field's own values, not a union");
        }
        int n = 0;
        for (int i = 0; i < size; i++) {
            String p = this.prefix;
            String k = key(i);
            if (p.equals(prefix) && k != null && (p == HEADERS ? key.equalsIgnoreCase(k) : key.equals(k))) {
                n++;
            }
        }
        return n;
    }

    /** The keys of these values as values named {@code name} (cookie names from cookies). */
    Values keysAs(String name) {
        if (parts != null) {
            throw new IllegalStateException("keysAs reads a field's own values, not a union");
        }
        return size == 0 ? NONE : new Values(name, null, keys == null ? new String[size] : keys, size);
    }

    /**
     * The values of every part, in order, as a view over the parts (nested unions flattened); a part that is
     * alone in having values is returned as it is.
     */
    static Values concat(Values[] parts) {
        int nonEmpty = 0;
        int flat = 0;
        Values only = NONE;
        for (Values p : parts) {
            if (p.size > 0) {
                only = p;
                nonEmpty++;
                flat += p.parts == null ? 1 : p.parts.length;
            }
        }
        if (nonEmpty <= 1) {
            return only;
        }
        Values[] members = new Values[flat];
        int n = 0;
        for (Values p : parts) {
            if (p.size > 0) {
                if (p.parts == null) {
                    members[n++] = p;
                } else {
                    System.arraycopy(p.parts, 0, members, n, p.parts.length);
                    n += p.parts.length;
                }
            }
        }
        return new Values(members);
    }

    /** Collects the values of a field, all under one prefix. */
    static final class Builder {
        private final String prefix;
        private String[] keys;
        private String[] texts;
        private int size;

        Builder(String prefix, int capacity) {
            this.prefix = prefix;
            int c = Math.max(1, capacity);
            keys = new String[c];
            texts = new String[c];
        }

        /** Adds a value; {@code key} null when the value's name is the prefix alone. */
        Builder add(String key, String text) {
            if (size == texts.length) {
                int c = size * 2;
                keys = Arrays.copyOf(keys, c);
                texts = Arrays.copyOf(texts, c);
            }
            keys[size] = key;
            texts[size] = text;
            size++;
            return this;
        }

        int size() {
            return size;
        }

        Values build() {
            return size == 0 ? NONE : new Values(prefix, keys, texts, size);
        }
    }
}
