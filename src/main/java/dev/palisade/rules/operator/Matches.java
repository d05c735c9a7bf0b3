package dev.palisade.rules.operator;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * {@code matches "re"}: the RE2 regular expression is found somewhere in the value. RE2J runs in time
 * linear in the input whatever the pattern, so a rule cannot be turned into a ReDoS; it has no
 * backreferences or lookaround, which are rejected at load.
 */
final class Matches implements Operator {

    private final Pattern pattern;

    Matches(String regex) {
        try {
            this.pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad regular expression: " + e.getDescription()
                    + (e.getPattern() == null || e.getPattern().isEmpty() ? "" : " near '" + e.getPattern() + "'"));
        }
    }

    @Override
    public boolean test(String value) {
        return pattern.matcher(value).find();
    }
}
