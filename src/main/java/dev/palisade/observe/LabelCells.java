package dev.palisade.observe;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A metric's data points (or nested cells) by one label value, looked up without allocating once a
 * value has been seen. Bounded: past {@code max} distinct values every new value is counted under
 * {@code "other"}, so a label fed from something a client influences can never grow the registry
 * without limit.
 */
final class LabelCells<T> {

    static final String OTHER = "other";

    private final ConcurrentHashMap<String, T> cells = new ConcurrentHashMap<>();
    private final Function<String, T> factory;
    private final int max;

    LabelCells(int max, Function<String, T> factory) {
        this.max = max;
        this.factory = factory;
    }

    T get(String value) {
        String v = value == null ? "" : value;
        T t = cells.get(v);
        if (t != null) {
            return t;
        }
        if (cells.size() >= max) {
            v = OTHER;
        }
        return cells.computeIfAbsent(v, factory);
    }
}
