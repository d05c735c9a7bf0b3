package dev.palisade.guard;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.palisade.pipeline.Headers;

/** A header list for tests: name/value pairs in order, names compared case-insensitively. */
public final class TestHeaders implements Headers {

    private final List<Map.Entry<String, String>> fields = new ArrayList<>();

    public static TestHeaders of(String... nameValue) {
        TestHeaders h = new TestHeaders();
        for (int i = 0; i < nameValue.length; i += 2) {
            h.fields.add(new AbstractMap.SimpleImmutableEntry<>(nameValue[i], nameValue[i + 1]));
        }
        return h;
    }

    @Override
    public String get(String name) {
        for (Map.Entry<String, String> e : fields) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
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
        return fields.iterator();
    }
}
