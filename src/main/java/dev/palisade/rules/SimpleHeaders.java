package dev.palisade.rules;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import dev.palisade.pipeline.Headers;

/** A plain list of header fields, for requests built from rule test cases and corpora. */
public final class SimpleHeaders implements Headers {

    private final List<Map.Entry<String, String>> fields = new ArrayList<>();

    public SimpleHeaders add(String name, String value) {
        fields.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
        return this;
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
        return fields.iterator();
    }
}
