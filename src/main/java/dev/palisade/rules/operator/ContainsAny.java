package dev.palisade.rules.operator;

import java.util.List;

import org.ahocorasick.trie.Trie;

/**
 * {@code contains any [...]} (or {@code contains any file "list.txt"}): one of the phrases occurs in
 * the value. All phrases are compiled into one Aho-Corasick automaton, so the cost is one pass over the
 * value whatever the list's length.
 */
final class ContainsAny implements Operator {

    private final Trie trie;

    ContainsAny(List<String> phrases) {
        if (phrases.isEmpty()) {
            throw new IllegalArgumentException("contains any: empty list (expected: at least one phrase)");
        }
        for (String p : phrases) {
            if (p.isEmpty()) {
                throw new IllegalArgumentException("contains any: empty phrase (it would match every value)");
            }
        }
        this.trie = Trie.builder().addKeywords(phrases).stopOnHit().build();
    }

    @Override
    public boolean test(String value) {
        return trie.firstMatch(value) != null;
    }
}
