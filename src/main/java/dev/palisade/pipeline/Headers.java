package dev.palisade.pipeline;

import java.util.List;
import java.util.Map;

/**
 * A read-only view of a header section. Names are matched case-insensitively. The server adapts its
 * codec's headers to this view without copying them.
 */
public interface Headers extends Iterable<Map.Entry<String, String>> {

    /** The first value of {@code name}, or null. */
    String get(String name);

    /** Every value of {@code name}, in order; empty when absent. */
    List<String> getAll(String name);

    boolean contains(String name);

    /** The number of header fields (a repeated name counts once per field). */
    int size();
}
