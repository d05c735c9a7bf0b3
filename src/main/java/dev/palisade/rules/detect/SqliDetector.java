package dev.palisade.rules.detect;

import java.util.List;
import java.util.Set;

import dev.palisade.rules.detect.SqlLexer.Tok;
import dev.palisade.rules.detect.SqlLexer.Type;

/**
 * Decides whether a value is a SQL injection by tokenizing it as SQL and judging the token sequence,
 * not by matching payloads. The value is read three ways: as bare SQL (a numeric context such as
 * {@code id=...}) and, when it holds a quote, as if it sat inside a {@code '...'} or {@code "..."}
 * string. An injection is a value that, read in one of those contexts, breaks out and continues as
 * valid SQL that changes the query:
 * <ul>
 *   <li>a string break followed by a logic operator and a condition, a comparison, a comment that cuts
 *       the query, a stacked statement, UNION, or a clause keyword (ORDER BY, HAVING, INTO, ...);</li>
 *   <li>anywhere: UNION [ALL] SELECT, a tautology joined by a logic operator ({@code 1 or 1=1}), a
 *       stacked statement after ';', a sub-select, time-delay and error-based functions
 *       ({@code sleep(5)}, {@code benchmark(...)}, {@code extractvalue(...)}), INTO OUTFILE.</li>
 * </ul>
 * Prose with quotes and SQL words ("O'Brien", "select one or two", "rock 'n' roll") fails these shapes
 * because a bare word right after a string break is not valid SQL.
 */
public final class SqliDetector {

    private static final Set<String> LOGIC = set("and", "or", "xor", "&&", "||");
    private static final Set<String> COMPARE = set("=", "<", ">", "<=", ">=", "<>", "!=", "<=>", "like", "rlike",
            "regexp", "is", "in", "between", "sounds", "glob", "similar", "ilike");
    private static final Set<String> ARITH = set("+", "-", "*", "/", "%", "^", "|", "&", "~", "div", "mod", "<<",
            ">>", "::", "||");
    private static final Set<String> CONSTANTS = set("true", "false", "null", "current_user", "user", "version",
            "database", "schema", "system_user", "session_user", "pi");
    private static final Set<String> CLAUSES = set("order", "group", "having", "limit", "procedure", "into", "where",
            "waitfor", "union", "offset", "fetch", "for", "returning", "collate", "escape");
    private static final Set<String> STATEMENTS = set("select", "insert", "update", "delete", "drop", "create",
            "alter", "truncate", "exec", "execute", "declare", "shutdown", "waitfor", "grant", "revoke", "rename",
            "replace", "load", "call", "set", "begin", "if", "handler", "copy", "merge", "use", "show", "do");
    /** Functions whose call is an attack on its own: time delays, error-based extraction, file and OS access. */
    private static final Set<String> DANGEROUS = set("sleep", "benchmark", "pg_sleep", "dbms_lock.sleep",
            "sys.dbms_lock.sleep", "extractvalue", "updatexml", "load_file", "xp_cmdshell", "master..xp_cmdshell",
            "master.dbo.xp_cmdshell", "sys_eval", "sys_exec", "utl_inaddr.get_host_address", "utl_http.request",
            "dbms_pipe.receive_message", "randomblob", "gtid_subset", "name_const", "xp_dirtree",
            "master..xp_dirtree", "xp_fileexist", "sp_oacreate", "sp_executesql", "pg_read_file", "lo_import",
            "dblink", "dbms_xmlgen.getxml", "ctxsys.drithsx.sn", "pg_sleep_for");
    /** SQL functions an attacker uses to build conditions; a call to one joined by a logic operator counts. */
    private static final Set<String> FUNCTIONS = set("ascii", "ord", "char", "chr", "nchar", "concat", "concat_ws",
            "group_concat", "substring", "substr", "mid", "left", "right", "length", "len", "count", "hex", "unhex",
            "bin", "if", "ifnull", "isnull", "nullif", "coalesce", "case", "cast", "convert", "md5", "sha1", "sha2",
            "version", "database", "user", "current_user", "system_user", "schema", "floor", "rand", "row",
            "exists", "instr", "locate", "position", "lower", "upper", "lcase", "ucase", "reverse", "strcmp",
            "char_length", "bit_length", "octet_length", "db_name", "user_name", "host_name", "suser_name",
            "is_srvrolemember", "to_char", "to_number", "decode", "nvl", "unicode", "quote", "typeof", "iif",
            "current_database", "getdate", "now", "sysdate", "str", "space", "repeat", "lpad", "rpad", "trim",
            "replace", "datalength", "benchmark", "sleep", "pg_sleep", "extractvalue", "updatexml", "elt", "make_set",
            "load_file", "randomblob", "hextoraw", "rawtohex", "dbms_random.value", "unistr", "any", "all", "some",
            "export_set", "field", "find_in_set", "ascii_str", "xmltype", "sqlite_version", "regexp_like",
            "pg_read_file", "chr", "sign", "abs", "mod", "power");
    private static final Set<String> SYSTEM_TABLES = set("information_schema.tables", "information_schema.columns",
            "information_schema.schemata", "information_schema.routines", "mysql.user", "sysobjects", "syscolumns",
            "sys.objects", "sys.tables", "sys.columns", "master..sysdatabases", "master.dbo.sysdatabases",
            "pg_catalog.pg_tables", "pg_tables", "pg_user", "pg_shadow", "sqlite_master", "sqlite_schema",
            "all_tables", "user_tables", "all_tab_columns", "dba_users", "sys.sql_logins", "msysobjects",
            "information_schema", "dual", "sysibm.sysdummy1", "pg_database", "sys.databases", "all_users");

    private SqliDetector() {
    }

    public static boolean isSqli(String value) {
        return reason(value) != null;
    }

    /** A short reason naming the shape found ("string-break+logic", "union-select"), or null for none. */
    public static String reason(String value) {
        return reason(value, true);
    }

    /** {@link #reason}; without {@code quick}, also for values the cheap pre-check rules out (for tests). */
    static String reason(String value, boolean quick) {
        if (value == null) {
            return null;
        }
        String r = once(value, quick);
        if (r == null && value.indexOf('+') >= 0 && value.indexOf(' ') < 0) {
            r = once(value.replace('+', ' '), quick);
        }
        return r;
    }

    /** Judges {@code value} as it is; {@link #reason} also tries it as form-encoded ('+' for a space). */
    private static String once(String value, boolean quick) {
        if (value.length() < 2 || plain(value) || (quick && !mayBreakOut(value))) {
            return null;
        }
        return judged(value);
    }

    private static String judged(String value) {
        String r = judge(SqlLexer.tokens(value, (char) 0), false);
        if (r == null && value.indexOf('\'') >= 0) {
            r = judge(SqlLexer.tokens(value, '\''), true);
        }
        if (r == null && value.indexOf('"') >= 0) {
            r = judge(SqlLexer.tokens(value, '"'), true);
        }
        if (r == null && value.indexOf('`') >= 0) {
            r = judge(SqlLexer.tokens(value.replace('`', '\''), '\''), true);
        }
        return r;
    }

    /**
     * Every shape judged below needs a quote, an operator (a symbol, or a word operator such as BETWEEN or
     * LIKE), a parenthesis, a comment, ';' or '@', except UNION SELECT; a value with none of those cannot
     * be an injection, which spares the tokenizer for most ordinary values.
     */
    private static final String[] PLAIN_BREAKERS = {"union", "between", "like", "regexp", "rlike", "sounds", "glob",
        " is ", " in ", "waitfor", "select"};

    private static final boolean[] BREAKER_CHARS = new boolean[128];
    /** Bit {@code (a & 31) * 32 + (b & 31)}: some word of {@link #PLAIN_BREAKERS} starts with ASCII {@code a b}, any case. */
    private static final long[] BREAKER_PAIRS = new long[16];

    static {
        for (char c : "'\"`;()=<>|&#/*@!~^%+-".toCharArray()) {
            BREAKER_CHARS[c] = true;
        }
        for (String w : PLAIN_BREAKERS) {
            int k = (w.charAt(0) & 31) << 5 | (w.charAt(1) & 31);
            BREAKER_PAIRS[k >> 6] |= 1L << k;
        }
    }

    private static boolean plain(String v) {
        int n = v.length();
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c > 0x7e || BREAKER_CHARS[c]) {
                return false;
            }
        }
        // one pass for the words, without a lower-cased copy: only where the first two characters (folded to
        // five bits, so a few other pairs pass too) can start one is a word compared
        for (int i = 0; i + 1 < n; i++) {
            int k = (v.charAt(i) & 31) << 5 | (v.charAt(i + 1) & 31);
            if ((BREAKER_PAIRS[k >> 6] & 1L << k) != 0) {
                for (String w : PLAIN_BREAKERS) {
                    if (v.regionMatches(true, i, w, 0, w.length())) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** Words one of which every unquoted shape judged by {@link #anywhere} needs as a whole token. */
    private static final Set<String> UNQUOTED_NEEDS = union(LOGIC, DANGEROUS, set("union", "select", "waitfor",
            "into", "order", "group", "having", "procedure"));

    /**
     * A necessary condition for {@link #judged}, read off its shapes, that costs one pass and no allocation:
     * a quote (the string-break shapes all need one), non-ASCII text (left to the tokenizer), '@@', '&&',
     * '||', or a word token that one of {@link #anywhere}'s shapes starts with ({@link #UNQUOTED_NEEDS}, or
     * a statement after ';'). The tokenizer reads a run of word characters ({@code [A-Za-z0-9_$.]}) as one
     * word from a letter, '_' or '$' to the run's end, after a number (digits, '.', an exponent) or a '.'
     * when the run starts with those, and anywhere after a {@code 0x} or {@code 0b} prefix; so a word token
     * is the rest of a run from such a start. A browser User-Agent or an ordinary URL fails this test and
     * never reaches the tokenizer.
     */
    static boolean mayBreakOut(String v) {
        int n = v.length();
        boolean semi = false;
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c > 0x7e || c == '\'' || c == '"' || c == '`') {
                return true;
            }
            if ((c == '@' || c == '&' || c == '|') && i + 1 < n && v.charAt(i + 1) == c) {
                return true;
            }
            semi |= c == ';';
        }
        int i = 0;
        while (i < n) {
            while (i < n && !isRunChar(v.charAt(i))) {
                i++;
            }
            int start = i;
            boolean radix = false;
            while (i < n && isRunChar(v.charAt(i))) {
                char c = v.charAt(i);
                radix |= c == '0' && i + 1 < n && "xXbB".indexOf(v.charAt(i + 1)) >= 0;
                i++;
            }
            for (int from = start; from < i; from++) {
                boolean canStart = from == start || radix || isNumberChar(v.charAt(from - 1));
                if (canStart && needed(v, from, i - from, semi)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isRunChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isNumberChar(c) || c == '_' || c == '$';
    }

    private static boolean isNumberChar(char c) {
        return (c >= '0' && c <= '9') || c == '.';
    }

    /** Whether {@code v[from, from + len)} is, ignoring case, a word some unquoted shape needs. */
    private static boolean needed(String v, int from, int len, boolean semi) {
        char first = (char) (v.charAt(from) | 0x20);
        if (len >= NEEDED.length || first < 'a' || first > 'z') {
            return false;
        }
        String[] candidates = NEEDED[len][first - 'a'];
        if (candidates == null) {
            return false;
        }
        for (String w : candidates) {
            if (v.regionMatches(true, from, w, 0, len) && (semi || UNQUOTED_NEEDS.contains(w))) {
                return true;
            }
        }
        return false;
    }

    /** {@link #UNQUOTED_NEEDS} and {@link #STATEMENTS} by length and first letter, for {@link #needed}. */
    private static final String[][][] NEEDED = byLengthAndFirst(union(UNQUOTED_NEEDS, STATEMENTS));

    private static String[][][] byLengthAndFirst(Set<String> words) {
        int max = 0;
        for (String w : words) {
            max = Math.max(max, w.length());
        }
        String[][][] out = new String[max + 1][26][];
        for (String w : words) {
            char c = w.charAt(0);
            if (c >= 'a' && c <= 'z') {
                String[] old = out[w.length()][c - 'a'];
                String[] grown = old == null ? new String[1] : java.util.Arrays.copyOf(old, old.length + 1);
                grown[grown.length - 1] = w;
                out[w.length()][c - 'a'] = grown;
            }
        }
        return out;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (Set<String> s : sets) {
            out.addAll(s);
        }
        return Set.copyOf(out);
    }

    private static String judge(List<Tok> t, boolean quoted) {
        int start = 0;
        if (quoted) {
            if (t.isEmpty() || t.get(0).type() != Type.STR || !t.get(0).closed()) {
                return null;
            }
            String r = afterBreak(t, 1);
            if (r != null) {
                return r;
            }
            start = 1;
        }
        return anywhere(t, start);
    }

    /** The sequence right after a string break at {@code i}. */
    private static String afterBreak(List<Tok> t, int i) {
        while (i < t.size() && t.get(i).type() == Type.RPAREN) {
            i++;
        }
        if (i >= t.size()) {
            return null;
        }
        Tok a = t.get(i);
        switch (a.type()) {
            case COMMENT: {
                String broken = t.get(0).text();
                return broken.indexOf('\'') >= 0 || broken.indexOf('"') >= 0 ? null : "string-break+comment";
            }
            case SEMI:
                if (i + 1 >= t.size() || t.get(i + 1).type() == Type.COMMENT || statement(t, i + 1)) {
                    return i + 1 >= t.size() ? null : "string-break+stacked";
                }
                return null;
            case COMMA:
                return select(t, i + 1) || (i + 1 < t.size() && t.get(i + 1).type() == Type.LPAREN && select(t, i + 2))
                        ? "string-break+subselect" : endsInComment(t, i) && valueAt(t, i + 1) ? "string-break+comment" : null;
            case OP:
            case WORD:
                if (LOGIC.contains(a.text())) {
                    return condition(t, i + 1, true) ? "string-break+logic" : null;
                }
                if (a.text().equals("not") || a.text().equals("!")) {
                    return condition(t, i + 1, true) ? "string-break+logic" : null;
                }
                if (COMPARE.contains(a.text()) || ARITH.contains(a.text())) {
                    return operand(t, i + 1, true) ? "string-break+operator" : null;
                }
                if (a.text().equals("union") && i + 1 < t.size()) {
                    return "string-break+union";
                }
                if ((a.text().equals("order") || a.text().equals("group")) && i + 1 < t.size() && t.get(i + 1).is("by")) {
                    return "string-break+" + a.text() + "-by";
                }
                if (CLAUSES.contains(a.text()) && !a.text().equals("order") && !a.text().equals("group")
                        && !a.text().equals("for") && i + 1 < t.size()) {
                    return "string-break+" + a.text();
                }
                return null;
            default:
                return null;
        }
    }

    /** What {@link #skipUnary} returns when one of the parentheses it skipped opens a sub-select. */
    private static final int SUBSELECT = -1;

    /**
     * The index of the first token from {@code j} that is neither an opening parenthesis nor a unary operator
     * ({@code not ! - + ~}), or {@link #SUBSELECT} when one of those parentheses opens a {@code SELECT}.
     */
    private static int skipUnary(List<Tok> t, int j) {
        while (j < t.size() && (t.get(j).type() == Type.LPAREN || t.get(j).is("not") || t.get(j).is("!")
                || t.get(j).is("-") || t.get(j).is("+") || t.get(j).is("~"))) {
            if (t.get(j).type() == Type.LPAREN && select(t, j + 1)) {
                return SUBSELECT;
            }
            j++;
        }
        return j;
    }

    /** After a logic operator: a condition such as {@code 1=1}, {@code 'a'='a'}, {@code 1}, {@code sleep(5)}. */
    private static boolean condition(List<Tok> t, int j, boolean afterBreak) {
        j = skipUnary(t, j);
        if (j == SUBSELECT) {
            return true;
        }
        if (j >= t.size()) {
            return false;
        }
        Tok v = t.get(j);
        int k = j + 1;
        while (k < t.size() && t.get(k).type() == Type.RPAREN) {
            k++;
        }
        Tok next = k < t.size() ? t.get(k) : null;
        boolean cmp = next != null && compare(next);
        switch (v.type()) {
            case NUM:
                if (afterBreak) {
                    return true;
                }
                return (cmp && operand(t, k + 1, false)) || (next != null && next.type() == Type.COMMENT);
            case STR:
                if (next == null) {
                    return afterBreak && !v.closed() && v.text().chars().noneMatch(Character::isWhitespace);
                }
                return cmp || next.type() == Type.COMMENT || next.type() == Type.SEMI
                        || (afterBreak && (LOGIC.contains(next.text()) || ARITH.contains(next.text())));
            case VAR:
                return true;
            case WORD:
                if (next != null && next.type() == Type.LPAREN && k == j + 1) {
                    return FUNCTIONS.contains(v.text()) || DANGEROUS.contains(v.text()) || afterBreak;
                }
                if (CONSTANTS.contains(v.text()) || v.text().equals("exists")) {
                    return afterBreak || cmp || (next != null && next.type() == Type.COMMENT);
                }
                if (v.text().equals("select")) {
                    return select(t, j);
                }
                if (cmp) {
                    if (afterBreak) {
                        return true;
                    }
                    Tok w = k + 1 < t.size() ? t.get(k + 1) : null;
                    return w != null && (w.type() == Type.STR || w.text().equals(v.text()) || w.type() == Type.VAR);
                }
                return afterBreak && next != null && next.type() == Type.COMMENT;
            default:
                return false;
        }
    }

    /** After a comparison or arithmetic operator that follows a string break. */
    private static boolean operand(List<Tok> t, int j, boolean afterBreak) {
        j = skipUnary(t, j);
        if (j == SUBSELECT) {
            return true;
        }
        if (j >= t.size()) {
            return false;
        }
        Tok v = t.get(j);
        Tok next = j + 1 < t.size() ? t.get(j + 1) : null;
        switch (v.type()) {
            case NUM:
            case STR:
            case VAR:
                return true;
            case WORD:
                if (next != null && next.type() == Type.LPAREN) {
                    return true;
                }
                if (CONSTANTS.contains(v.text()) || v.text().equals("select")) {
                    return true;
                }
                return next != null && (compare(next) || LOGIC.contains(next.text()) || next.type() == Type.COMMENT);
            default:
                return false;
        }
    }

    private static boolean compare(Tok t) {
        return (t.type() == Type.OP || t.type() == Type.WORD) && COMPARE.contains(t.text());
    }

    private static boolean valueAt(List<Tok> t, int j) {
        if (j >= t.size()) {
            return false;
        }
        Type ty = t.get(j).type();
        return ty == Type.NUM || ty == Type.STR || ty == Type.VAR || ty == Type.LPAREN
                || (ty == Type.WORD && j + 1 < t.size() && t.get(j + 1).type() == Type.LPAREN);
    }

    private static boolean endsInComment(List<Tok> t, int from) {
        return !t.isEmpty() && t.get(t.size() - 1).type() == Type.COMMENT && t.size() - 1 > from;
    }

    /** A SELECT at {@code j} that reads like a query, not prose: followed by a value, '*', a call or FROM. */
    private static boolean select(List<Tok> t, int j) {
        if (j >= t.size() || !t.get(j).is("select")) {
            return false;
        }
        int k = j + 1;
        while (k < t.size() && (t.get(k).is("all") || t.get(k).is("distinct") || t.get(k).is("top")
                || t.get(k).type() == Type.LPAREN)) {
            k++;
        }
        if (k >= t.size()) {
            return false;
        }
        Tok a = t.get(k);
        Tok b = k + 1 < t.size() ? t.get(k + 1) : null;
        switch (a.type()) {
            case NUM:
            case STR:
            case VAR:
                return true;
            case OP:
                return a.text().equals("*") || a.text().equals("-");
            case WORD:
                if (b == null) {
                    return CONSTANTS.contains(a.text());
                }
                if (b.type() == Type.LPAREN || b.type() == Type.COMMA || b.is("from") || CONSTANTS.contains(a.text())
                        || a.text().equals("case") || a.text().equals("if")) {
                    return true;
                }
                return k + 2 < t.size() && t.get(k + 2).is("from") && b.type() == Type.WORD;
            default:
                return false;
        }
    }

    /** A statement that can follow ';' in a stacked query. */
    private static boolean statement(List<Tok> t, int j) {
        if (j >= t.size() || t.get(j).type() != Type.WORD) {
            return false;
        }
        String w = t.get(j).text();
        Tok n = j + 1 < t.size() ? t.get(j + 1) : null;
        String nt = n == null ? "" : n.text();
        switch (w) {
            case "select":
                return select(t, j);
            case "drop":
            case "create":
            case "alter":
            case "truncate":
                return Set.of("table", "database", "user", "view", "procedure", "function", "login", "trigger", "schema",
                        "index", "temporary", "or").contains(nt);
            case "delete":
                return nt.equals("from") || (n != null && n.type() == Type.WORD && j + 2 < t.size() && t.get(j + 2).is("where"));
            case "insert":
            case "replace":
                return nt.equals("into");
            case "update":
                return n != null && n.type() == Type.WORD && j + 2 < t.size() && t.get(j + 2).is("set");
            case "exec":
            case "execute":
                return n != null && (n.type() == Type.WORD || n.type() == Type.VAR || n.type() == Type.LPAREN);
            case "declare":
                return n != null && n.type() == Type.VAR;
            case "shutdown":
                return n == null || n.type() == Type.COMMENT || nt.equals("with");
            case "waitfor":
                return nt.equals("delay") || nt.equals("time");
            case "grant":
            case "revoke":
                return j + 2 < t.size() && (t.get(j + 2).is("on") || t.get(j + 2).is("to") || nt.equals("all"));
            case "set":
                return n != null && (n.type() == Type.VAR || nt.equals("global") || nt.equals("session"));
            case "if":
                return n != null && n.type() == Type.LPAREN;
            case "copy":
                return j + 2 < t.size() && (t.get(j + 2).is("from") || t.get(j + 2).is("to"));
            case "load":
                return nt.equals("data") || nt.equals("xml");
            case "call":
                return n != null && n.type() == Type.WORD && j + 2 < t.size() && t.get(j + 2).type() == Type.LPAREN;
            case "begin":
                return n != null && (n.type() == Type.WORD && (nt.equals("declare") || nt.equals("dbms_lock.sleep")));
            default:
                return false;
        }
    }

    /** Shapes that are injections wherever they appear. */
    private static String anywhere(List<Tok> t, int start) {
        int n = t.size();
        for (int i = start; i < n; i++) {
            Tok a = t.get(i);
            Tok b = i + 1 < n ? t.get(i + 1) : null;
            switch (a.type()) {
                case WORD: {
                    String w = a.text();
                    if (w.equals("union") && b != null) {
                        int k = i + 1;
                        if (b.is("all") || b.is("distinct")) {
                            k++;
                        }
                        while (k < n && t.get(k).type() == Type.LPAREN) {
                            k++;
                        }
                        if (k < n && t.get(k).is("select")) {
                            return "union-select";
                        }
                    }
                    if (b != null && b.type() == Type.LPAREN && DANGEROUS.contains(w) && dangerousCall(t, i + 2)) {
                        return "function:" + w;
                    }
                    if (w.equals("waitfor") && b != null && (b.is("delay") || b.is("time")) && i + 2 < n
                            && t.get(i + 2).type() == Type.STR) {
                        return "waitfor-delay";
                    }
                    if (w.equals("into") && b != null && (b.is("outfile") || b.is("dumpfile"))) {
                        return "into-outfile";
                    }
                    if (w.equals("from") && b != null && SYSTEM_TABLES.contains(b.text()) && i > start
                            && previousSelect(t, start, i)) {
                        return "system-table";
                    }
                    if (w.equals("select") && i > start && (t.get(i - 1).type() == Type.LPAREN) && select(t, i)) {
                        return "subselect";
                    }
                    if (LOGIC.contains(w) && i > start && joined(t.get(i - 1)) && condition(t, i + 1, false)) {
                        return "logic-condition";
                    }
                    if (LOGIC.contains(w) && i == start && condition(t, i + 1, false)) {
                        return "logic-condition";
                    }
                    if ((w.equals("order") || w.equals("group")) && b != null && b.is("by") && i + 2 < n
                            && t.get(i + 2).type() == Type.NUM && t.get(n - 1).type() == Type.COMMENT && i > start
                            && joined(t.get(i - 1))) {
                        return "order-by-probe";
                    }
                    if ((w.equals("having") || w.equals("procedure")) && i > start && joined(t.get(i - 1))
                            && condition(t, i + 1, false)) {
                        return w;
                    }
                    break;
                }
                case OP:
                    if (LOGIC.contains(a.text()) && ((i > start && joined(t.get(i - 1))) || i == start)
                            && condition(t, i + 1, false)) {
                        return "logic-condition";
                    }
                    if (compare(a) && i > start && t.get(i - 1).type() != Type.OTHER && i + 1 < n
                            && t.get(i + 1).type() == Type.LPAREN && select(t, i + 2)) {
                        return "subselect";
                    }
                    break;
                case SEMI:
                    if (statement(t, i + 1)) {
                        return "stacked-query";
                    }
                    break;
                case VAR:
                    if (a.text().startsWith("@@") && a.text().length() > 3 && (i == start
                            || t.get(i - 1).type() == Type.OP || t.get(i - 1).type() == Type.LPAREN
                            || t.get(i - 1).type() == Type.COMMA || t.get(i - 1).is("select"))) {
                        return "system-variable";
                    }
                    break;
                default:
                    break;
            }
        }
        return null;
    }

    private static boolean previousSelect(List<Tok> t, int start, int i) {
        for (int k = i - 1; k >= start; k--) {
            if (t.get(k).is("select")) {
                return true;
            }
        }
        return false;
    }

    /** Whether a logic operator after {@code prev} joins a condition to an existing value (1 or ..., ') or ...). */
    private static boolean joined(Tok prev) {
        return prev.type() == Type.NUM || prev.type() == Type.STR || prev.type() == Type.RPAREN
                || prev.type() == Type.VAR;
    }

    /** Arguments of a dangerous function: anything but an immediately closed or prose-like call. */
    private static boolean dangerousCall(List<Tok> t, int j) {
        if (j >= t.size()) {
            return false;
        }
        Tok a = t.get(j);
        return a.type() == Type.NUM || a.type() == Type.STR || a.type() == Type.VAR || a.type() == Type.LPAREN
                || a.type() == Type.OP
                || (a.type() == Type.WORD && j + 1 < t.size() && (t.get(j + 1).type() == Type.LPAREN
                || t.get(j + 1).type() == Type.COMMA));
    }

    private static Set<String> set(String... items) {
        return Set.copyOf(java.util.Arrays.asList(items));
    }
}
