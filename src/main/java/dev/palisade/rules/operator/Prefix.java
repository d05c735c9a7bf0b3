package dev.palisade.rules.operator;

import java.util.List;

/** {@code prefix "x"} or {@code prefix any [...]}: the value starts with one of the strings. */
final class Prefix implements Operator {

    private final String[] prefixes;

    Prefix(List<String> prefixes) {
        this.prefixes = prefixes.toArray(new String[0]);
    }

    @Override
    public boolean test(String value) {
        for (String p : prefixes) {
            if (value.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
