package dev.palisade.rules.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A forgiving SQL tokenizer covering the dialects attackers aim at (MySQL, PostgreSQL, MSSQL, Oracle,
 * SQLite). It can start as if the input sat inside a quoted string ({@code '} or {@code "}), which is
 * how an injection into {@code WHERE name = '...'} is seen by the database.
 *
 * <p>Closed {@code /* *}{@code /} comments and line comments followed by more code are dropped (they
 * act as whitespace to the database too); MySQL {@code /*!50000 ... *}{@code /} comments are read as
 * code. A comment that runs to the end of the input is kept as one final {@link Type#COMMENT} token,
 * since cutting off the rest of the query is what it is used for.
 */
final class SqlLexer {

    enum Type { STR, NUM, WORD, VAR, OP, LPAREN, RPAREN, COMMA, SEMI, COMMENT, OTHER }

    /** One token; {@code text} is lowercased for words; {@code closed} tells whether a string was terminated. */
    record Tok(Type type, String text, boolean closed) {
        boolean is(String w) {
            return (type == Type.WORD || type == Type.OP) && text.equals(w);
        }
    }

    /** Caps the tokens read from one value, so evaluation cost stays linear and small. */
    static final int MAX_TOKENS = 4096;

    private SqlLexer() {
    }

    /**
     * Tokenizes {@code s}. When {@code quote} is not 0 the input is read as if it followed an opening
     * {@code quote}: the first token is the string it closes (or the whole input, unclosed).
     */
    static List<Tok> tokens(String s, char quote) {
        List<Tok> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        if (quote != 0) {
            i = string(s, 0, quote, out);
        }
        boolean inVersioned = false;
        while (i < n && out.size() < MAX_TOKENS) {
            char c = s.charAt(i);
            if (isSpace(c)) {
                i++;
                continue;
            }
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                if (i + 2 < n && s.charAt(i + 2) == '!') {
                    i += 3;
                    while (i < n && Character.isDigit(s.charAt(i))) {
                        i++;
                    }
                    inVersioned = true;
                    continue;
                }
                int end = s.indexOf("*/", i + 2);
                if (end < 0) {
                    out.add(new Tok(Type.COMMENT, "/*", true));
                    return out;
                }
                i = end + 2;
                continue;
            }
            if (c == '*' && inVersioned && i + 1 < n && s.charAt(i + 1) == '/') {
                inVersioned = false;
                i += 2;
                continue;
            }
            if ((c == '-' && i + 1 < n && s.charAt(i + 1) == '-') || c == '#') {
                int nl = lineEnd(s, i);
                if (nl < 0 || blankFrom(s, nl)) {
                    out.add(new Tok(Type.COMMENT, c == '#' ? "#" : "--", true));
                    return out;
                }
                i = nl + 1;
                continue;
            }
            if (c == '\'' || c == '"') {
                i = string(s, i + 1, c, out);
                continue;
            }
            if (c == '`') {
                int end = s.indexOf('`', i + 1);
                String w = s.substring(i + 1, end < 0 ? n : end);
                out.add(new Tok(Type.WORD, w.toLowerCase(Locale.ROOT), true));
                i = end < 0 ? n : end + 1;
                continue;
            }
            if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
                i = number(s, i, out);
                continue;
            }
            if (c == '@') {
                int j = i + 1;
                if (j < n && s.charAt(j) == '@') {
                    j++;
                }
                int k = j;
                while (k < n && isWordChar(s.charAt(k))) {
                    k++;
                }
                out.add(new Tok(k > j ? Type.VAR : Type.OTHER, s.substring(i, k).toLowerCase(Locale.ROOT), true));
                i = Math.max(k, i + 1);
                continue;
            }
            if (isWordStart(c)) {
                int j = i;
                while (j < n && isWordChar(s.charAt(j))) {
                    j++;
                }
                String w = s.substring(i, j).toLowerCase(Locale.ROOT);
                // N'..', X'..', B'..', E'..' string literals
                if (j < n && s.charAt(j) == '\'' && w.length() == 1 && "nxbe".indexOf(w.charAt(0)) >= 0) {
                    i = string(s, j + 1, '\'', out);
                    continue;
                }
                out.add(new Tok(Type.WORD, w, true));
                i = j;
                continue;
            }
            switch (c) {
                case '(' -> out.add(new Tok(Type.LPAREN, "(", true));
                case ')' -> out.add(new Tok(Type.RPAREN, ")", true));
                case ',' -> out.add(new Tok(Type.COMMA, ",", true));
                case ';' -> out.add(new Tok(Type.SEMI, ";", true));
                default -> {
                    String op = operator(s, i);
                    if (op != null) {
                        out.add(new Tok(Type.OP, op, true));
                        i += op.length();
                        continue;
                    }
                    out.add(new Tok(Type.OTHER, String.valueOf(c), true));
                }
            }
            i++;
        }
        return out;
    }

    private static final String[] OPS = {
        "<=>", "<>", "!=", "<=", ">=", "||", "&&", "::", ":=", "<<", ">>", "=", "<", ">", "+", "-", "*", "/", "%",
        "^", "|", "&", "~", "!"
    };

    private static String operator(String s, int i) {
        for (String op : OPS) {
            if (s.startsWith(op, i)) {
                return op;
            }
        }
        return null;
    }

    private static int lineEnd(String s, int i) {
        for (int j = i; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\n' || c == '\r') {
                return j;
            }
        }
        return -1;
    }

    private static boolean blankFrom(String s, int i) {
        for (int j = i; j < s.length(); j++) {
            if (!isSpace(s.charAt(j))) {
                return false;
            }
        }
        return true;
    }

    /** Reads a string whose opening quote is just before {@code i}; doubled quotes are escapes. */
    private static int string(String s, int i, char q, List<Tok> out) {
        int n = s.length();
        int j = i;
        while (j < n) {
            if (s.charAt(j) == q) {
                if (j + 1 < n && s.charAt(j + 1) == q) {
                    j += 2;
                    continue;
                }
                out.add(new Tok(Type.STR, s.substring(i, j), true));
                return j + 1;
            }
            j++;
        }
        out.add(new Tok(Type.STR, s.substring(i, n), false));
        return n;
    }

    private static int number(String s, int i, List<Tok> out) {
        int n = s.length();
        int j = i;
        if (s.startsWith("0x", i) || s.startsWith("0X", i) || s.startsWith("0b", i) || s.startsWith("0B", i)) {
            j = i + 2;
            while (j < n && Character.digit(s.charAt(j), 16) >= 0) {
                j++;
            }
        } else {
            while (j < n && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.')) {
                j++;
            }
            if (j < n && (s.charAt(j) == 'e' || s.charAt(j) == 'E') && j + 1 < n
                    && (Character.isDigit(s.charAt(j + 1)) || ((s.charAt(j + 1) == '-' || s.charAt(j + 1) == '+')
                    && j + 2 < n && Character.isDigit(s.charAt(j + 2))))) {
                j += 2;
                while (j < n && Character.isDigit(s.charAt(j))) {
                    j++;
                }
            }
        }
        out.add(new Tok(Type.NUM, s.substring(i, j), true));
        return j;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b || c == 0xa0 || c == 0
                || c == '\u2028' || c == '\u2029' || c == '\u3000';
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '$';
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.';
    }
}
