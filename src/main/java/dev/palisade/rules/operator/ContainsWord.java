package dev.palisade.rules.operator;

import java.util.List;

import org.ahocorasick.trie.Emit;
import org.ahocorasick.trie.Trie;

/**
 * {@code contains word [...]}: one of the phrases occurs with no letter, digit or '_' directly before
 * or after it, so {@code "cmd"} finds {@code "/cmd.exe"} but not {@code "cmdlet"}. One Aho-Corasick
 * automaton for the list.
 */
final class ContainsWord implements Operator {

    private final Trie trie;

    ContainsWord(List<String> phrases) {
        if (phrases.isEmpty() || phrases.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("contains word: empty list or phrase (expected: non-empty phrases)");
        }
        this.trie = Trie.builder().addKeywords(phrases).build();
    }

    @Override
    public boolean test(String value) {
        for (Emit e : trie.parseText(value)) {
            int s = e.getStart();
            int end = e.getEnd() + 1;
            if ((s == 0 || !word(value.charAt(s - 1))) && (end >= value.length() || !word(value.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean word(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
