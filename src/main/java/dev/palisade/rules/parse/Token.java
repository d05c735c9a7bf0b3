package dev.palisade.rules.parse;

/** One token of a rule file, with where it starts (1-based line and column). */
record Token(Type type, String text, int line, int col, int offset) {

    enum Type { WORD, NUMBER, STRING, PUNCT, EOF }

    boolean is(String word) {
        return (type == Type.WORD || type == Type.PUNCT) && text.equals(word);
    }

    String describe() {
        return switch (type) {
            case EOF -> "end of file";
            case STRING -> "string \"" + text + "\"";
            default -> "'" + text + "'";
        };
    }
}
