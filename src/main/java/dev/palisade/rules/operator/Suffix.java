package dev.palisade.rules.operator;

import java.util.List;

/** {@code suffix "x"} or {@code suffix any [...]}: the value ends with one of the strings. */
final class Suffix implements Operator {

    private final String[] suffixes;

    Suffix(List<String> suffixes) {
        this.suffixes = suffixes.toArray(new String[0]);
    }

    @Override
    public boolean test(String value) {
        for (String s : suffixes) {
            if (value.endsWith(s)) {
                return true;
            }
        }
        return false;
    }
}
