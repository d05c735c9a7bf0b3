package dev.palisade.headers;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.palisade.pipeline.MutableHeaders;

/**
 * An in-memory header section for pure stage tests: ordered fields, names matched ignoring case,
 * {@code set} replacing in place like Netty's headers do at the end.
 */
final class TestHeaders implements MutableHeaders {

    private final List<Map.Entry<String, String>> fields = new ArrayList<>();

    /** Fields written {@code Name: value}, separated by {@code &&} (a data-row cell); blank is empty. */
    static TestHeaders parse(String cell) {
        TestHeaders h = new TestHeaders();
        if (cell == null || cell.isBlank()) {
            return h;
        }
        for (String f : cell.split("&&")) {
            String t = f.strip();
            int colon = t.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("bad field in test row: " + t);
            }
            h.add(t.substring(0, colon).strip(), t.substring(colon + 1).strip());
        }
        return h;
    }

    /** Sorted {@code name: value} lines, names lower case: compares sections regardless of order. */
    List<String> normalized() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : fields) {
            out.add(e.getKey().toLowerCase(Locale.ROOT) + ": " + e.getValue());
        }
        out.sort(null);
        return out;
    }

    @Override
    public String get(String name) {
        for (Map.Entry<String, String> e : fields) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    @Override
    public List<String> getAll(String name) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : fields) {
            if (e.getKey().equalsIgnoreCase(name)) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    @Override
    public boolean contains(String name) {
        return get(name) != null;
    }

    @Override
    public int size() {
        return fields.size();
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return List.copyOf(fields).iterator();
    }

    @Override
    public void set(String name, String value) {
        remove(name);
        add(name, value);
    }

    @Override
    public void add(String name, String value) {
        fields.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
    }

    @Override
    public boolean remove(String name) {
        return fields.removeIf(e -> e.getKey().equalsIgnoreCase(name));
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
