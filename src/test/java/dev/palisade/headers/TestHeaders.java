package dev.palisade.headers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.palisade.pipeline.ListHeaders;

/** Header lists for data-row tests: parsed from a cell, compared regardless of order. */
final class TestHeaders extends ListHeaders {

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
        for (Map.Entry<String, String> e : this) {
            out.add(e.getKey().toLowerCase(Locale.ROOT) + ": " + e.getValue());
        }
        out.sort(null);
        return out;
    }
}
