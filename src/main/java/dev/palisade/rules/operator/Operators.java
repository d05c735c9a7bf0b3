package dev.palisade.rules.operator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.palisade.rules.detect.SqliDetector;
import dev.palisade.rules.detect.XssDetector;
import dev.palisade.rules.transform.CharMask;

/**
 * Every operator a rule may name, in one visible list, with the kind of argument it takes. A factory
 * throws IllegalArgumentException for a bad argument (a regex that does not compile, a bad CIDR); the
 * parser turns that into a located load error.
 */
public final class Operators {

    /** The kind of argument an operator takes. */
    public enum Kind { NONE, TEXT, LIST, NUMBER }

    /** One registered operator. */
    public record Spec(String name, Kind kind, Function<OperatorArg, Operator> factory) {}

    /** One of each detector for every rule and rule set: they share the table of verdicts they remember. */
    private static final Detector SQLI = new Detector("sqli", SqliDetector::isSqli, CharMask.ALL);
    private static final Detector XSS = new Detector("xss", XssDetector::isXss, CharMask.of(XssDetector.NEEDS));

    private static final List<Spec> ALL = List.of(
            new Spec("equals", Kind.TEXT, a -> new Equals(a.text())),
            new Spec("equals any", Kind.LIST, a -> new InSet(a.list())),
            new Spec("in", Kind.LIST, a -> new InSet(a.list())),
            new Spec("prefix", Kind.TEXT, a -> new Prefix(List.of(a.text()))),
            new Spec("prefix any", Kind.LIST, a -> new Prefix(a.list())),
            new Spec("suffix", Kind.TEXT, a -> new Suffix(List.of(a.text()))),
            new Spec("suffix any", Kind.LIST, a -> new Suffix(a.list())),
            new Spec("contains", Kind.TEXT, a -> new Contains(a.text())),
            new Spec("contains any", Kind.LIST, a -> new ContainsAny(a.list())),
            new Spec("contains word", Kind.LIST, a -> new ContainsWord(a.list())),
            new Spec("matches", Kind.TEXT, a -> new Matches(a.text())),
            new Spec("in cidr", Kind.LIST, a -> new InCidr(a.list())),
            new Spec("exists", Kind.NONE, a -> new Exists()),
            new Spec("is sqli", Kind.NONE, a -> SQLI),
            new Spec("is xss", Kind.NONE, a -> XSS),
            new Spec("==", Kind.NUMBER, a -> new Compare(Compare.Op.EQ, a.number())),
            new Spec("!=", Kind.NUMBER, a -> new Compare(Compare.Op.NE, a.number())),
            new Spec(">", Kind.NUMBER, a -> new Compare(Compare.Op.GT, a.number())),
            new Spec(">=", Kind.NUMBER, a -> new Compare(Compare.Op.GE, a.number())),
            new Spec("<", Kind.NUMBER, a -> new Compare(Compare.Op.LT, a.number())),
            new Spec("<=", Kind.NUMBER, a -> new Compare(Compare.Op.LE, a.number())));

    private static final Map<String, Spec> BY_NAME = new LinkedHashMap<>();

    static {
        for (Spec s : ALL) {
            BY_NAME.put(s.name(), s);
        }
    }

    private Operators() {
    }

    /** The operator written as {@code name} ("contains any", "is sqli", ">="), or null. */
    public static Spec byName(String name) {
        return BY_NAME.get(name);
    }

    public static Set<String> names() {
        return BY_NAME.keySet();
    }
}
