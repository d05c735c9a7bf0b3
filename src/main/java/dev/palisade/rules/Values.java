package dev.palisade.rules;

import java.util.Arrays;
import java.util.Locale;

import dev.palisade.rules.transform.Transform;

/**
 * The values one target yielded for one request, each with its name for the log and for exclusions
 * ({@code args:q}). Arrays rather than a list of records: a transform that changes no value returns the
 * same instance, one that changes some shares the names and copies only the texts, and a name is put
 * together ({@code "args:" + "q"}) only when a match or an exclusion asks for it.
 */
final class Values {

    /** The name prefix of header values, whose keys are lower-cased when a name is put together. */
    static final String HEADERS = "headers:";

    static final Values NONE = new Values("", null, null, new String[0], 0);

    /** The prefix of every value, or null when {@link #prefixes} holds one per value (a union). */
    private final String prefix;
    private final String[] prefixes;
    /** The key after the prefix ({@code q} of {@code args:q}) per value; null when no value has one. */
    private final String[] keys;
    private final String[] texts;
    private final int size;
    /** Names put together so far, shared by every transform of the same field values. */
    private String[] names;

    private Values(String prefix, String[] prefixes, String[] keys, String[] texts, int size) {
        this.prefix = prefix;
        this.prefixes = prefixes;
        this.keys = keys;
        this.texts = texts;
        this.size = size;
    }

    static Values one(String name, String text) {
        return new Values(name, null, null, new String[] {text}, 1);
    }

    int size() {
        return size;
    }

    String text(int i) {
        return texts[i];
    }

    private String prefix(int i) {
        return prefix != null ? prefix : prefixes[i];
    }

    private String key(int i) {
        return keys == null ? null : keys[i];
    }

    /** {@code prefix + key} ({@code args:q}), the key lower-cased for headers; just the prefix when there is no key. */
    String name(int i) {
        String[] n = names;
        if (n == null) {
            n = new String[texts.length];
            names = n;
        }
        String s = n[i];
        if (s == null) {
            String k = key(i);
            String p = prefix(i);
            s = k == null ? p : p + (p == HEADERS ? k.toLowerCase(Locale.ROOT) : k);
            n[i] = s;
        }
        return s;
    }

    /**
     * These values through {@code t}, computed with {@code ev}'s memo; this instance when no text changed,
     * else a new one sharing the names.
     */
    Values map(Transform t, int transformId, Evaluation ev) {
        String[] out = null;
        for (int i = 0; i < size; i++) {
            String v = texts[i];
            String r = ev.transformed(t, transformId, v);
            if (r != v && out == null) {
                out = Arrays.copyOf(texts, size);
            }
            if (out != null) {
                out[i] = r;
            }
        }
        return out == null ? this : withTexts(out);
    }

    /** The length of each value, under the same names. */
    Values lengths() {
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
        Values m = new Values(prefix, prefixes, keys, out, size);
        m.names = names;
        return m;
    }

    /** The values named {@code prefix + key} ({@code args:q} from {@code args}); header keys compared ignoring case. */
    Values select(String prefix, String key) {
        Builder b = null;
        for (int i = 0; i < size; i++) {
            String p = prefix(i);
            String k = key(i);
            if (p.equals(prefix) && k != null && (p == HEADERS ? key.equalsIgnoreCase(k) : key.equals(k))) {
                b = b == null ? new Builder(prefix, 1) : b;
                b.add(k, texts[i]);
            }
        }
        return b == null ? NONE : b.build();
    }

    /** The keys of these values as values named {@code name} (cookie names from cookies). */
    Values keysAs(String name) {
        return size == 0 ? NONE : new Values(name, null, null, keys == null ? new String[size] : keys, size);
    }

    /** The values of every part, in order; a part that is alone in having values is returned as it is. */
    static Values concat(Values[] parts) {
        int total = 0;
        Values only = NONE;
        int nonEmpty = 0;
        for (Values p : parts) {
            if (p.size > 0) {
                total += p.size;
                only = p;
                nonEmpty++;
            }
        }
        if (nonEmpty <= 1) {
            return only;
        }
        String[] prefixes = new String[total];
        String[] keys = new String[total];
        String[] texts = new String[total];
        int n = 0;
        for (Values p : parts) {
            for (int i = 0; i < p.size; i++) {
                prefixes[n] = p.prefix(i);
                keys[n] = p.key(i);
                texts[n++] = p.texts[i];
            }
        }
        return new Values(null, prefixes, keys, texts, total);
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
            return size == 0 ? NONE : new Values(prefix, null, keys, texts, size);
        }
    }
}
