package dev.palisade.pipeline;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A plain list of header fields in order, names compared case-insensitively: headers built in code (rule
 * test cases, corpora, tests). Not thread-safe.
 */
public class ListHeaders implements MutableHeaders {

    private final List<Map.Entry<String, String>> fields = new ArrayList<>();

    /** Headers from name, value, name, value, ... */
    public static ListHeaders of(String... nameValue) {
        if (nameValue.length % 2 != 0) {
            throw new IllegalArgumentException("of: an odd number of strings (expected: name, value pairs)");
        }
        ListHeaders h = new ListHeaders();
        for (int i = 0; i < nameValue.length; i += 2) {
            h.add(nameValue[i], nameValue[i + 1]);
        }
        return h;
    }

    @Override
    public void add(String name, String value) {
        fields.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
    }

    @Override
    public void set(String name, String value) {
        remove(name);
        add(name, value);
    }

    @Override
    public boolean remove(String name) {
        return fields.removeIf(e -> e.getKey().equalsIgnoreCase(name));
    }

    @Override
    public String toString() {
        return fields.toString();
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
        List<String> out = new ArrayList<>(1);
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
        // a copy: a stage may remove fields while it walks them
        return List.copyOf(fields).iterator();
    }
}
