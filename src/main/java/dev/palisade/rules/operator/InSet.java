package dev.palisade.rules.operator;

import java.util.List;
import java.util.Set;

/** {@code in ["GET", "HEAD"]} or {@code equals any [...]}: the whole value is one of the list (a hash set). */
final class InSet implements Operator {

    private final Set<String> items;

    InSet(List<String> items) {
        this.items = Set.copyOf(new java.util.LinkedHashSet<>(items));
    }

    @Override
    public Set<String> requiredValues() {
        return items;
    }

    @Override
    public boolean test(String value) {
        return items.contains(value);
    }
}
