package dev.palisade.pipeline;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A typed per-request map, the place stages leave facts for later stages and for the log
 * (rule hits, the rate-limit policy that matched, the route). Single-threaded, like the exchange.
 */
public final class Attrs {

    /** A typed key; identity is the key, the name is for logs. */
    public static final class Key<T> {
        private final String name;

        private Key(String name) {
            this.name = name;
        }

        public static <T> Key<T> of(String name) {
            return new Key<>(name);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Map<Key<?>, Object> values;

    public <T> void put(Key<T> key, T value) {
        if (values == null) {
            values = new IdentityHashMap<>(4);
        }
        values.put(key, value);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        return values == null ? null : (T) values.get(key);
    }

    public <T> T getOrDefault(Key<T> key, T fallback) {
        T v = get(key);
        return v == null ? fallback : v;
    }
}
