package dev.palisade.rules.parse;

/** A syntax error that abandons the current rule; the parser records it and skips to the next rule. */
final class ParseError extends RuntimeException {

    final int line;
    final int col;

    ParseError(int line, int col, String message) {
        super(message, null, false, false);
        this.line = line;
        this.col = col;
    }

    ParseError(Token at, String message) {
        this(at.line(), at.col(), message);
    }
}
