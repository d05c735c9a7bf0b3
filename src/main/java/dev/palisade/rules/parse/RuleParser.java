package dev.palisade.rules.parse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.palisade.config.ConfigProblem;
import dev.palisade.rules.Action;
import dev.palisade.rules.Expr;
import dev.palisade.rules.Field;
import dev.palisade.rules.Rule;
import dev.palisade.rules.Target;
import dev.palisade.rules.TestCase;
import dev.palisade.rules.TestRequest;
import dev.palisade.rules.operator.Operator;
import dev.palisade.rules.operator.OperatorArg;
import dev.palisade.rules.operator.Operators;
import dev.palisade.rules.transform.Transform;
import dev.palisade.rules.transform.Transforms;

/**
 * Parses one rule file (grammar in README.md, "Rule language"). Problems are collected, each with file,
 * line and column: a syntax error abandons the rule it is in and parsing resumes at the next
 * {@code rule}; an unknown transform, a bad regex or a missing list file is recorded and the rest of
 * the rule is still checked, so one run reports everything.
 */
public final class RuleParser {

    /** Deeper nesting of parentheses, not or transforms is refused with a clear error. */
    public static final int MAX_DEPTH = 64;

    /** Parsing a file stops after this many problems. */
    static final int MAX_PROBLEMS = 100;

    private static final List<String> ACTION_WORDS =
            List.of("block", "allow", "log", "score", "status", "tag", "detect_only");

    private final String file;
    private final Path baseDir;
    private final Lexer lex;
    private final List<ConfigProblem> problems;
    private final Map<String, List<String>> listFiles;
    private int fileProblems;

    private RuleParser(String file, String text, Path baseDir, List<ConfigProblem> problems,
                       Map<String, List<String>> listFiles) {
        this.file = file;
        this.baseDir = baseDir;
        this.lex = new Lexer(text);
        this.problems = problems;
        this.listFiles = listFiles;
    }

    /**
     * Parses {@code text}, the content of {@code file}; list files named in it are read relative to
     * {@code baseDir}. Problems are added to {@code problems}; the rules that parsed cleanly are returned.
     */
    public static List<Rule> parse(String file, String text, Path baseDir, List<ConfigProblem> problems) {
        return new RuleParser(file, text, baseDir, problems, new HashMap<>()).rules();
    }

    private List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        while (true) {
            int before = problemCount();
            try {
                Token t = lex.peek();
                if (t.type() == Token.Type.EOF) {
                    break;
                }
                if (!t.is("rule")) {
                    throw new ParseError(t, "expected 'rule' to start a rule, found " + t.describe());
                }
                Rule r = rule();
                if (problemCount() == before && r != null) {
                    out.add(r);
                }
            } catch (ParseError e) {
                problem(e.line, e.col, e.getMessage());
                lex.skipToNextRule(e.line);
            }
            if (fileProblems >= MAX_PROBLEMS) {
                problem(0, 0, "too many problems, the rest of the file was not checked");
                break;
            }
        }
        return out;
    }

    private int problemCount() {
        return fileProblems;
    }

    private Rule rule() {
        Token kw = lex.next();
        Token idTok = lex.next();
        if (idTok.type() != Token.Type.WORD && idTok.type() != Token.Type.NUMBER) {
            throw new ParseError(idTok, "expected a rule id after 'rule', found " + idTok.describe());
        }
        Token msgTok = lex.next();
        if (msgTok.type() != Token.Type.STRING) {
            throw new ParseError(msgTok, "expected the rule's message in quotes after its id, found " + msgTok.describe());
        }
        Expr when = null;
        Action action = null;
        List<TestCase> tests = new ArrayList<>();
        while (true) {
            Token t = lex.peek();
            if (t.type() == Token.Type.EOF || t.is("rule")) {
                break;
            }
            if (t.is("when")) {
                lex.next();
                if (when != null) {
                    problem(t, "a rule has one 'when' (combine conditions with and / or)");
                }
                when = expr(0);
            } else if (t.is("then")) {
                lex.next();
                if (action != null) {
                    problem(t, "a rule has one 'then'");
                }
                action = action(t);
            } else if (t.is("test")) {
                lex.next();
                tests.add(test(t));
            } else {
                throw new ParseError(t, "expected when, then or test, found " + t.describe());
            }
        }
        if (when == null) {
            problem(kw, "rule " + idTok.text() + " has no 'when' condition");
        }
        if (action == null) {
            problem(kw, "rule " + idTok.text() + " has no 'then' action");
        }
        if (when == null || action == null) {
            return null;
        }
        return new Rule(idTok.text(), msgTok.text(), file, kw.line(), when, action, tests);
    }

    private TestCase test(Token testTok) {
        Token kind = lex.next();
        boolean block;
        if (kind.is("block")) {
            block = true;
        } else if (kind.is("pass")) {
            block = false;
        } else {
            throw new ParseError(kind, "expected 'block' or 'pass' after 'test', found " + kind.describe());
        }
        Token colon = lex.next();
        if (!colon.is(":")) {
            throw new ParseError(colon, "expected ':' after 'test " + kind.text() + "'");
        }
        String spec = lex.restOfLine();
        try {
            return new TestCase(block, TestRequest.parse(spec), file, testTok.line());
        } catch (IllegalArgumentException e) {
            throw new ParseError(colon.line(), colon.col() + 1, e.getMessage());
        }
    }

    private Action action(Token thenTok) {
        Action.Kind kind = null;
        int status = 0;
        int score = 0;
        boolean detectOnly = false;
        List<String> tags = new ArrayList<>();
        while (lex.peek().type() == Token.Type.WORD && ACTION_WORDS.contains(lex.peek().text())) {
            Token w = lex.next();
            switch (w.text()) {
                case "block", "allow", "log" -> {
                    if (kind != null) {
                        problem(w, "a rule has one of block, allow, log or score (found '" + w.text() + "' as well)");
                    }
                    kind = Action.Kind.valueOf(w.text().toUpperCase(java.util.Locale.ROOT));
                }
                case "score" -> {
                    if (kind != null) {
                        problem(w, "a rule has one of block, allow, log or score (found 'score' as well)");
                    }
                    kind = Action.Kind.SCORE;
                    score = (int) number(1, 1000, "score");
                }
                case "status" -> {
                    Token at = lex.peek();
                    status = (int) number(400, 599, "status");
                    if (kind != null && kind != Action.Kind.BLOCK) {
                        problem(at, "'status' goes with block only");
                    }
                }
                case "tag" -> {
                    Token t = lex.next();
                    if (t.type() == Token.Type.EOF || t.type() == Token.Type.PUNCT) {
                        throw new ParseError(t, "expected a tag name after 'tag', found " + t.describe());
                    }
                    tags.add(t.text());
                }
                default -> detectOnly = true;
            }
        }
        if (kind == null) {
            Token t = lex.peek();
            throw new ParseError(t.line() == thenTok.line() ? t : thenTok,
                    "expected block, allow, log or score after 'then'" + (t.line() == thenTok.line()
                            ? ", found " + t.describe() : ""));
        }
        return new Action(kind, status, score, tags, detectOnly);
    }

    private long number(long min, long max, String what) {
        Token n = lex.next();
        if (n.type() != Token.Type.NUMBER) {
            throw new ParseError(n, "expected a number after '" + what + "', found " + n.describe());
        }
        long v = parseLong(n);
        if (v < min || v > max) {
            problem(n, what + ": " + v + " (expected: " + min + ".." + max + ")");
        }
        return v;
    }

    private long parseLong(Token n) {
        try {
            return Long.parseLong(n.text());
        } catch (NumberFormatException e) {
            throw new ParseError(n, "number too large: " + n.text());
        }
    }

    // expr := and ("or" and)* ; and := unary ("and" unary)* ; unary := "not" unary | "(" expr ")" | cond

    private Expr expr(int depth) {
        checkDepth(depth);
        List<Expr> parts = new ArrayList<>();
        parts.add(and(depth + 1));
        while (lex.peek().is("or")) {
            lex.next();
            parts.add(and(depth + 1));
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.Or(parts);
    }

    private Expr and(int depth) {
        List<Expr> parts = new ArrayList<>();
        parts.add(unary(depth));
        while (lex.peek().is("and")) {
            lex.next();
            parts.add(unary(depth));
        }
        return parts.size() == 1 ? parts.get(0) : new Expr.And(parts);
    }

    private Expr unary(int depth) {
        checkDepth(depth);
        Token t = lex.peek();
        if (t.is("not")) {
            lex.next();
            return new Expr.Not(unary(depth + 1));
        }
        if (t.is("(")) {
            lex.next();
            Expr e = expr(depth + 1);
            Token close = lex.next();
            if (!close.is(")")) {
                throw new ParseError(close, "expected ')' to close the '(' at line " + t.line() + " column " + t.col()
                        + ", found " + close.describe());
            }
            return e;
        }
        return cond(depth);
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            Token t = lex.peek();
            throw new ParseError(t, "expression nested too deeply (more than " + MAX_DEPTH + " levels)");
        }
    }

    private Expr cond(int depth) {
        Target target = target(depth);
        Token opTok = lex.next();
        String name;
        if (opTok.type() == Token.Type.PUNCT && (opTok.text().startsWith(">") || opTok.text().startsWith("<")
                || opTok.text().equals("==") || opTok.text().equals("!="))) {
            name = opTok.text();
        } else if (opTok.type() == Token.Type.WORD) {
            name = opTok.text();
            Token p = lex.peek();
            if ((name.equals("equals") || name.equals("prefix") || name.equals("suffix") || name.equals("contains"))
                    && p.is("any")) {
                lex.next();
                name += " any";
            } else if (name.equals("contains") && p.is("word")) {
                lex.next();
                name += " word";
            } else if (name.equals("in") && p.is("cidr")) {
                lex.next();
                name += " cidr";
            } else if (name.equals("is") && p.type() == Token.Type.WORD) {
                lex.next();
                name += " " + p.text();
            }
        } else {
            throw new ParseError(opTok, "expected an operator after " + target.key() + ", found " + opTok.describe());
        }
        Operators.Spec spec = Operators.byName(name);
        if (spec == null) {
            throw new ParseError(opTok, "unknown operator '" + name + "' (expected one of: "
                    + String.join(", ", Operators.names()) + ")");
        }
        Token argTok = lex.peek();
        OperatorArg arg = switch (spec.kind()) {
            case NONE -> OperatorArg.NONE;
            case TEXT -> {
                Token s = lex.next();
                if (s.type() != Token.Type.STRING) {
                    throw new ParseError(s, "expected a quoted string after '" + name + "', found " + s.describe());
                }
                yield OperatorArg.text(s.text());
            }
            case NUMBER -> OperatorArg.number(number(Long.MIN_VALUE, Long.MAX_VALUE, name));
            case LIST -> OperatorArg.list(list(name));
        };
        Operator op;
        try {
            op = spec.factory().apply(arg);
        } catch (IllegalArgumentException e) {
            problem(argTok, name + ": " + e.getMessage());
            op = v -> false;
        }
        return new Expr.Cond(target, op, name);
    }

    private List<String> list(String opName) {
        Token t = lex.next();
        if (t.is("file")) {
            Token f = lex.next();
            if (f.type() != Token.Type.STRING) {
                throw new ParseError(f, "expected a file name in quotes after 'file', found " + f.describe());
            }
            return listFile(f);
        }
        if (!t.is("[")) {
            throw new ParseError(t, "expected a list [\"a\", \"b\"] or file \"name\" after '" + opName + "', found "
                    + t.describe());
        }
        List<String> items = new ArrayList<>();
        while (true) {
            Token s = lex.next();
            if (s.is("]")) {
                break;
            }
            if (s.type() != Token.Type.STRING) {
                throw new ParseError(s, "expected a quoted string or ']' in the list, found " + s.describe());
            }
            items.add(s.text());
            Token sep = lex.next();
            if (sep.is("]")) {
                break;
            }
            if (!sep.is(",")) {
                throw new ParseError(sep, "expected ',' or ']' in the list, found " + sep.describe());
            }
        }
        if (items.isEmpty()) {
            problem(t, "empty list");
        }
        return items;
    }

    private List<String> listFile(Token nameTok) {
        Path p;
        try {
            p = baseDir == null ? Path.of(nameTok.text()) : baseDir.resolve(nameTok.text());
        } catch (InvalidPathException e) {
            problem(nameTok, "list file name is not a valid path (" + e.getReason() + ")");
            return List.of("\u0000never\u0000");
        }
        String key = p.toAbsolutePath().normalize().toString();
        List<String> cached = listFiles.get(key);
        if (cached != null) {
            return cached;
        }
        List<String> items = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                String s = line.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    items.add(s);
                }
            }
        } catch (IOException e) {
            problem(nameTok, "list file " + p + " cannot be read (" + e.getClass().getSimpleName() + ")");
            return List.of("\u0000never\u0000");
        }
        if (items.isEmpty()) {
            problem(nameTok, "list file " + p + " has no entries");
            return List.of("\u0000never\u0000");
        }
        listFiles.put(key, items);
        return items;
    }

    private Target target(int depth) {
        checkDepth(depth);
        Token name = lex.next();
        if (name.type() != Token.Type.WORD) {
            throw new ParseError(name, "expected a field such as path, args or header(\"Host\"), found " + name.describe());
        }
        String n = name.text();
        if (n.equals("any") && lex.peek().is("(")) {
            Token open = lex.next();
            List<Target> members = new ArrayList<>();
            members.add(target(depth + 1));
            while (lex.peek().is(",")) {
                lex.next();
                members.add(target(depth + 1));
            }
            close(open);
            return members.size() == 1 ? members.get(0) : Target.union(members);
        }
        if (lex.peek().is("(")) {
            Token open = lex.next();
            Field f = Field.byName(n);
            if (f != null && f.takesName()) {
                Token s = lex.next();
                if (s.type() != Token.Type.STRING) {
                    throw new ParseError(s, "expected a quoted name in " + n + "(...), for example " + n + "(\"x\"), found "
                            + s.describe());
                }
                close(open);
                return Target.field(f, s.text());
            }
            if (f != null) {
                throw new ParseError(open, "field '" + n + "' takes no name (write just " + n + ")");
            }
            Target inner = target(depth + 1);
            close(open);
            if (n.equals("length")) {
                return Target.length(inner);
            }
            if (n.equals("count")) {
                return Target.count(inner);
            }
            Transform t = Transforms.byName(n);
            if (t == null) {
                problem(name, "unknown transform '" + n + "' (expected one of: " + String.join(", ", Transforms.names())
                        + ", length, count, any)");
                return inner;
            }
            return Target.transform(t, inner);
        }
        Field f = Field.byName(n);
        if (f == null) {
            throw new ParseError(name, "unknown field '" + n + "' (expected one of: " + String.join(", ", Field.names()) + ")");
        }
        if (f.takesName()) {
            throw new ParseError(name, "field '" + n + "' needs a name, for example " + n + "(\"x\")");
        }
        return Target.field(f, null);
    }

    private void close(Token open) {
        Token c = lex.next();
        if (!c.is(")")) {
            throw new ParseError(c, "expected ')' to close the '(' at column " + open.col() + ", found " + c.describe());
        }
    }

    private void problem(Token at, String message) {
        problem(at.line(), at.col(), message);
    }

    private void problem(int line, int col, String message) {
        fileProblems++;
        problems.add(new ConfigProblem(file, line, col > 0 ? "column " + col : "", message));
    }
}
