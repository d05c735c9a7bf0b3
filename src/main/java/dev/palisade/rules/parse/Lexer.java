package dev.palisade.rules.parse;

/**
 * Splits a rule file into tokens on demand. Words are {@code [A-Za-z_][A-Za-z0-9_.-]*}, numbers are
 * digits, strings are double-quoted (where backslash-quote, \\n, \\r, \\t and \\0 are escapes, a doubled
 * backslash stays doubled and every other backslash is kept as written, so regular expressions read
 * exactly as RE2 expects them) or single-quoted (raw). A '#' starts a
 * comment to the end of the line. The parser reads a test case's request as the raw rest of its line.
 */
final class Lexer {

    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;
    private Token peeked;

    private final int[] lineStarts;

    Lexer(String src) {
        this.src = src.startsWith("\ufeff") ? src.substring(1) : src;
        int n = 1;
        for (int i = 0; i < this.src.length(); i++) {
            if (this.src.charAt(i) == '\n') {
                n++;
            }
        }
        lineStarts = new int[n];
        for (int i = 0, l = 1; i < this.src.length(); i++) {
            if (this.src.charAt(i) == '\n') {
                lineStarts[l++] = i + 1;
            }
        }
    }

    Token peek() {
        if (peeked == null) {
            peeked = read();
        }
        return peeked;
    }

    Token next() {
        Token t = peek();
        peeked = null;
        return t;
    }

    /** The raw text from the current position to the end of the line, trimmed; a peeked token is put back. */
    String restOfLine() {
        if (peeked != null) {
            pos = peeked.offset();
            line = peeked.line();
            lineStart = pos - (peeked.col() - 1);
            peeked = null;
        }
        int end = src.indexOf('\n', pos);
        if (end < 0) {
            end = src.length();
        }
        String s = src.substring(pos, end);
        pos = end;
        return s.strip();
    }

    /**
     * Error recovery: moves to the first line after {@code errorLine} whose first word is {@code rule}
     * (or to the end of the file).
     */
    void skipToNextRule(int errorLine) {
        peeked = null;
        int l = Math.max(errorLine, 1);
        while (l < lineStarts.length) {
            int p = lineStarts[l];
            while (p < src.length() && (src.charAt(p) == ' ' || src.charAt(p) == '\t')) {
                p++;
            }
            if (src.startsWith("rule", p) && (p + 4 >= src.length() || Character.isWhitespace(src.charAt(p + 4)))) {
                pos = lineStarts[l];
                lineStart = pos;
                line = l + 1;
                return;
            }
            l++;
        }
        pos = src.length();
    }

    private Token read() {
        skipSpaceAndComments();
        if (pos >= src.length()) {
            return new Token(Token.Type.EOF, "", line, pos - lineStart + 1, pos);
        }
        int startLine = line;
        int col = pos - lineStart + 1;
        char c = src.charAt(pos);
        if (Character.isLetter(c) || c == '_') {
            int s = pos;
            while (pos < src.length() && isWordChar(src.charAt(pos))) {
                pos++;
            }
            return new Token(Token.Type.WORD, src.substring(s, pos), startLine, col, lineStart + col - 1);
        }
        if (c >= '0' && c <= '9') {
            int s = pos;
            while (pos < src.length() && (isWordChar(src.charAt(pos)))) {
                pos++;
            }
            String text = src.substring(s, pos);
            boolean digits = text.chars().allMatch(ch -> ch >= '0' && ch <= '9');
            return new Token(digits ? Token.Type.NUMBER : Token.Type.WORD, text, startLine, col, lineStart + col - 1);
        }
        if (c == '"' || c == '\'') {
            return string(c, startLine, col);
        }
        if (c == '>' || c == '<' || c == '=' || c == '!') {
            if (pos + 1 < src.length() && src.charAt(pos + 1) == '=') {
                pos += 2;
                return new Token(Token.Type.PUNCT, c + "=", startLine, col, lineStart + col - 1);
            }
            if (c == '=' || c == '!') {
                throw new ParseError(startLine, col, "unexpected '" + c + "' (expected: ==, != or an operator name)");
            }
            pos++;
            return new Token(Token.Type.PUNCT, String.valueOf(c), startLine, col, lineStart + col - 1);
        }
        if ("()[],:".indexOf(c) >= 0) {
            pos++;
            return new Token(Token.Type.PUNCT, String.valueOf(c), startLine, col, lineStart + col - 1);
        }
        pos++;
        throw new ParseError(startLine, col, "unexpected character '" + printable(c) + "'");
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private Token string(char quote, int startLine, int col) {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                break;
            }
            if (c == quote) {
                pos++;
                return new Token(Token.Type.STRING, sb.toString(), startLine, col, lineStart + col - 1);
            }
            if (quote == '"' && c == '\\' && pos + 1 < src.length()) {
                char e = src.charAt(pos + 1);
                String rep = switch (e) {
                    case '"' -> "\"";
                    case 'n' -> "\n";
                    case 'r' -> "\r";
                    case 't' -> "\t";
                    case '0' -> pos + 2 < src.length() && Character.isDigit(src.charAt(pos + 2)) ? null : "\0";
                    case '\\' -> "\\\\";
                    default -> null;
                };
                if (rep != null) {
                    sb.append(rep);
                    pos += 2;
                    continue;
                }
            }
            sb.append(c);
            pos++;
        }
        throw new ParseError(startLine, col, "unterminated string (a string must end with " + quote + " on the same line)");
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
    }

    private void skipSpaceAndComments() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }
}
