package dev.palisade.rules.operator;

import java.util.List;


/**
 * {@code contains any [...]} (or {@code contains any file "list.txt"}): one of the phrases occurs in
 * the value. All phrases are compiled into one Aho-Corasick automaton (a deterministic table), so the
 * cost is one table lookup per character of the value whatever the list's length.
 */
final class ContainsAny implements Operator {

    private final PhraseAutomaton automaton;
    private final List<String> phrases;

    ContainsAny(List<String> phrases) {
        if (phrases.isEmpty()) {
            throw new IllegalArgumentException("contains any: empty list (expected: at least one phrase)");
        }
        for (String p : phrases) {
            if (p.isEmpty()) {
                throw new IllegalArgumentException("contains any: empty phrase (it would match every value)");
            }
        }
        this.automaton = new PhraseAutomaton(phrases);
        this.phrases = List.copyOf(phrases);
    }

    @Override
    public List<String> requiredPhrases() {
        return phrases;
    }

    @Override
    public boolean decidedByPhrases() {
        return true;
    }

    @Override
    public boolean test(String value) {
        return automaton.find(value);
    }
}
