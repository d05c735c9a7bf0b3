package dev.palisade.rules.operator;

import java.util.List;

/**
 * What a rule wrote after an operator's name: one string, a list (written in brackets or read from a
 * list file), a number, or nothing.
 */
public record OperatorArg(String text, List<String> list, long number) {

    public static final OperatorArg NONE = new OperatorArg(null, List.of(), 0);

    public static OperatorArg text(String s) {
        return new OperatorArg(s, List.of(), 0);
    }

    public static OperatorArg list(List<String> items) {
        return new OperatorArg(null, List.copyOf(items), 0);
    }

    public static OperatorArg number(long n) {
        return new OperatorArg(null, List.of(), n);
    }
}
