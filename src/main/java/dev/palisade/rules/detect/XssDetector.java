package dev.palisade.rules.detect;

import java.util.Locale;
import java.util.Set;

import dev.palisade.rules.transform.Transform;
import dev.palisade.rules.transform.Transforms;

/**
 * Decides whether a value is cross-site scripting by reading it the way a browser would in the
 * contexts a reflected value lands in, not by matching payloads:
 * <ul>
 *   <li>HTML text: every {@code <} that opens a tag is parsed like a browser's tokenizer does (any tag
 *       name, attributes separated by spaces or '/', values quoted with ", ' or ` or bare); the tag is
 *       script-capable ({@code script}, {@code iframe}, {@code object}, ...), or has an event-handler
 *       attribute ({@code on...=}), a {@code javascript:}/{@code vbscript:}/{@code data:text/html} URL
 *       (after entity decoding and the tab/newline stripping browsers do), or a style with
 *       {@code expression(} or a script URL;</li>
 *   <li>an attribute value: a quote that closes it followed by an event-handler attribute;</li>
 *   <li>a URL attribute: the whole value is a script URL;</li>
 *   <li>a JavaScript string: a quote, an operator, then a call or assignment on a browser global
 *       ({@code ';alert(1)//}, {@code "-prompt(1)-"}); and template injection ({@code {{constructor...}}},
 *       {@code ${alert(1)}}).</li>
 * </ul>
 * Ordinary markup ({@code <b>}, {@code <a href="https://...">}) and prose with '<' pass.
 */
public final class XssDetector {

    private static final Set<String> TAGS = set("script", "iframe", "frame", "frameset", "object", "embed", "applet",
            "base", "meta", "style", "xml", "import", "vmlframe", "portal", "layer", "ilayer", "bgsound", "link",
            "isindex", "xss", "animate", "set", "handler", "listener", "template");
    private static final Set<String> SCRIPT_SCHEMES = set("javascript:", "vbscript:", "livescript:", "mocha:",
            "data:text/html", "data:image/svg+xml", "data:application/xhtml+xml", "data:text/xml",
            "data:application/x-javascript", "data:text/javascript", "data:application/javascript");
    private static final Set<String> GLOBALS = set("alert", "prompt", "confirm", "eval", "fetch", "import",
            "settimeout", "setinterval", "function", "document", "window", "top", "self", "parent", "this",
            "location", "atob", "string", "console", "xmlhttprequest", "navigator", "globalthis", "frames", "opener",
            "constructor", "open", "print", "onerror", "history", "localstorage", "sessionstorage", "unescape",
            "decodeuricomponent", "reflect", "object", "array", "jquery", "$", "postmessage", "write", "writeln",
            "new", "throw", "void", "typeof", "delete", "with", "content", "url", "uneval", "tostring",
            "execscript", "msgbox", "src", "innerhtml", "outerhtml", "cookie", "domain");
    private static final Set<String> CALL_SINKS = set("alert", "prompt", "confirm", "eval", "settimeout",
            "setinterval", "function", "fetch", "import", "execscript", "msgbox", "uneval", "document.write",
            "document.writeln", "window.open", "window.location", "document.location", "top.location");

    /** A tag is parsed at most this far; enough for any real attribute list. */
    private static final int MAX_TAG = 2048;

    private static final Transform HTML = Transforms.byName("html_decode");

    private XssDetector() {
    }

    public static boolean isXss(String value) {
        return reason(value) != null;
    }

    /** A short reason ("tag:script", "event-handler", "js-url", "js-break"), or null for none. */
    public static String reason(String s) {
        return reason(s, true);
    }

    /** {@link #reason}; without {@code quick}, every context is read whatever the value holds (for tests). */
    static String reason(String s, boolean quick) {
        if (s == null) {
            return null;
        }
        String r = once(s, quick);
        if (r == null && s.indexOf('+') >= 0 && s.indexOf(' ') < 0) {
            r = once(s.replace('+', ' '), quick);
        }
        return r;
    }

    /** Judges {@code s} as it is; {@link #reason} also tries it as form-encoded ('+' for a space). */
    private static String once(String s, boolean quick) {
        if (s.length() < 3 || plain(s)) {
            return null;
        }
        return judged(s, quick);
    }

    /**
     * The contexts in order. With {@code skip}, a context is only read when the value holds the character
     * it cannot do without: '<' for a tag, ':' for a script URL (every scheme ends with one), '=' for an
     * attribute, a quote for a JavaScript string break, '(' or '`' for a bare call, '{' for a template.
     */
    private static String judged(String s, boolean skip) {
        String r = !skip || s.indexOf('<') >= 0 ? tags(s) : null;
        if (r == null && (!skip || s.indexOf(':') >= 0)) {
            r = scriptUrl(s) ? "js-url" : null;
        }
        if (r == null && (!skip || s.indexOf('=') >= 0)) {
            r = attributeBreak(s);
        }
        if (r == null) {
            r = !skip || hasQuote(s) ? jsBreak(s) : (s.indexOf('(') >= 0 || s.indexOf('`') >= 0 ? callOnly(s) : null);
        }
        if (r == null && (!skip || s.indexOf('{') >= 0)) {
            r = template(s);
        }
        return r;
    }

    private static boolean hasQuote(String s) {
        return s.indexOf('\'') >= 0 || s.indexOf('"') >= 0 || s.indexOf('`') >= 0;
    }

    /** Every context judged here needs one of these characters; a value without any is plain text. */
    public static final String NEEDS = "<:=(`{'\"";

    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '<' || c == ':' || c == '=' || c == '(' || c == '`' || c == '{' || c == '\'' || c == '"') {
                return false;
            }
        }
        return true;
    }

    // ---- HTML tags

    private static String tags(String s) {
        int i = s.indexOf('<');
        while (i >= 0 && i + 1 < s.length()) {
            String r = tag(s, i);
            if (r != null) {
                return r;
            }
            i = s.indexOf('<', i + 1);
        }
        return null;
    }

    private static String tag(String s, int lt) {
        int n = Math.min(s.length(), lt + MAX_TAG);
        int i = lt + 1;
        boolean closing = false;
        if (i < n && s.charAt(i) == '/') {
            closing = true;
            i++;
        }
        if (i >= n || !isAsciiLetter(s.charAt(i))) {
            return null;
        }
        int start = i;
        while (i < n && !isTagSpace(s.charAt(i)) && s.charAt(i) != '/' && s.charAt(i) != '>') {
            i++;
        }
        String name = s.substring(start, i).toLowerCase(Locale.ROOT);
        if (closing) {
            return name.equals("script") ? "tag:/script" : null;
        }
        if (TAGS.contains(name)) {
            return "tag:" + name;
        }
        // attributes
        while (i < n) {
            char c = s.charAt(i);
            if (isTagSpace(c) || c == '/') {
                i++;
                continue;
            }
            if (c == '>' || c == '<') {
                return null;
            }
            int ns = i;
            i++;
            while (i < n && !isTagSpace(s.charAt(i)) && s.charAt(i) != '/' && s.charAt(i) != '>' && s.charAt(i) != '=') {
                i++;
            }
            String attr = s.substring(ns, i).toLowerCase(Locale.ROOT);
            while (i < n && isTagSpace(s.charAt(i))) {
                i++;
            }
            String value = null;
            if (i < n && s.charAt(i) == '=') {
                i++;
                while (i < n && isTagSpace(s.charAt(i))) {
                    i++;
                }
                if (i < n && (s.charAt(i) == '"' || s.charAt(i) == '\'' || s.charAt(i) == '`')) {
                    char q = s.charAt(i);
                    int end = s.indexOf(q, i + 1);
                    if (end < 0 || end > n) {
                        end = n;
                    }
                    value = s.substring(i + 1, end);
                    i = end + 1;
                } else {
                    int vs = i;
                    while (i < n && !isTagSpace(s.charAt(i)) && s.charAt(i) != '>') {
                        i++;
                    }
                    value = s.substring(vs, i);
                }
            }
            if (isEventHandler(attr)) {
                return "event-handler";
            }
            if (value != null) {
                if (attr.equals("srcdoc")) {
                    return "srcdoc";
                }
                String decoded = HTML.apply(value);
                if (scriptUrl(decoded)) {
                    return "js-url";
                }
                if (attr.equals("style") && dangerousStyle(decoded)) {
                    return "style";
                }
            }
        }
        return null;
    }

    private static boolean isEventHandler(String attr) {
        if (attr.length() < 5 || !attr.startsWith("on")) {
            return false;
        }
        for (int k = 2; k < 5; k++) {
            if (!isAsciiLetter(attr.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean dangerousStyle(String v) {
        String l = v.toLowerCase(Locale.ROOT).replace("\\", "").replace("/**/", "");
        return l.contains("expression(") || l.contains("javascript:") || l.contains("vbscript:")
                || l.contains("behavior:") || l.contains("-moz-binding") || l.contains("@import");
    }

    // ---- a script URL as the whole value

    private static boolean scriptUrl(String v) {
        int i = 0;
        int n = v.length();
        while (i < n && (v.charAt(i) <= 0x20 || v.charAt(i) == 0xa0)) {
            i++;
        }
        StringBuilder sb = new StringBuilder(32);
        int j = i;
        while (j < n && sb.length() < 32) {
            char c = v.charAt(j);
            if (c == '\t' || c == '\n' || c == '\r' || c == 0) {
                j++;
                continue;
            }
            sb.append(Character.toLowerCase(c));
            if (c == ':' && sb.length() > 0) {
                if (!sb.toString().startsWith("data")) {
                    break;
                }
            }
            j++;
        }
        String head = sb.toString();
        for (String scheme : SCRIPT_SCHEMES) {
            if (head.startsWith(scheme)) {
                if (scheme.startsWith("data:")) {
                    return true;
                }
                String rest = v.substring(Math.min(j + 1, n));
                return rest.indexOf('(') >= 0 || rest.indexOf('`') >= 0 || rest.indexOf('=') >= 0
                        || rest.contains("//") || rest.indexOf(';') >= 0 || rest.indexOf('%') >= 0
                        || rest.indexOf('\\') >= 0 || rest.indexOf('[') >= 0;
            }
        }
        return false;
    }

    // ---- breaking out of an attribute value

    private static String attributeBreak(String s) {
        int n = s.length();
        int i = s.indexOf("on");
        while (i >= 0) {
            if (i > 0 && (isAsciiLetter(s.charAt(i - 1)) || Character.isDigit(s.charAt(i - 1)))) {
                i = s.indexOf("on", i + 1);
                continue;
            }
            int k = i + 2;
            while (k < n && isAsciiLetter(s.charAt(k))) {
                k++;
            }
            if (k - i >= 5) {
                int e = k;
                while (e < n && isTagSpace(s.charAt(e))) {
                    e++;
                }
                if (e < n && s.charAt(e) == '=') {
                    char before = i == 0 ? ' ' : s.charAt(i - 1);
                    int p = i - 1;
                    while (p >= 0 && isTagSpace(s.charAt(p))) {
                        p--;
                    }
                    char prev = p < 0 ? 0 : s.charAt(p);
                    boolean afterQuote = prev == '"' || prev == '\'' || prev == '`' || before == '/';
                    if (afterQuote || jsValue(s, e + 1)) {
                        return "attribute-break";
                    }
                }
            }
            i = s.indexOf("on", Math.max(i + 2, k));
        }
        return styleBreak(s);
    }

    /** A quote that closes an attribute followed by a style attribute carrying script. */
    private static String styleBreak(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        int i = l.indexOf("style");
        while (i >= 0) {
            int p = i - 1;
            while (p >= 0 && isTagSpace(l.charAt(p))) {
                p--;
            }
            int e = i + 5;
            while (e < l.length() && isTagSpace(l.charAt(e))) {
                e++;
            }
            if (p >= 0 && (l.charAt(p) == '"' || l.charAt(p) == '\'' || l.charAt(p) == '/') && e < l.length()
                    && l.charAt(e) == '=' && dangerousStyle(HTML.apply(s.substring(e + 1)))) {
                return "attribute-break";
            }
            i = l.indexOf("style", i + 5);
        }
        return null;
    }

    /**
     * Whether an unquoted handler value starting at {@code i} reads as script: a call, an assignment, a template,
     * or a parenthesized expression that is called or defines an arrow function.
     */
    private static boolean jsValue(String s, int i) {
        int n = Math.min(s.length(), i + 200);
        while (i < n && (isTagSpace(s.charAt(i)) || s.charAt(i) == '"' || s.charAt(i) == '\'')) {
            i++;
        }
        if (i < n && s.charAt(i) == '(') {
            // a parenthesized callee or an arrow function: ((prompt))`1`, ((x)=>confirm(x))(1)
            String rest = s.substring(i, n);
            return rest.contains(")(") || rest.contains(")`") || rest.contains("=>");
        }
        int start = i;
        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == '_'
                || s.charAt(i) == '$')) {
            i++;
        }
        return i > start && i < n && (s.charAt(i) == '(' || s.charAt(i) == '`' || s.charAt(i) == '=');
    }

    // ---- breaking out of a JavaScript string

    private static String jsBreak(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char q = s.charAt(i);
            if (q != '\'' && q != '"' && q != '`') {
                continue;
            }
            int j = i + 1;
            int ops = 0;
            while (j < n && j - i < 40) {
                char c = s.charAt(j);
                if (isTagSpace(c)) {
                    j++;
                } else if (";+-*/%|&^,)]}<>=!?:~(".indexOf(c) >= 0) {
                    if (c == '/' && j + 1 < n && s.charAt(j + 1) == '/') {
                        break;
                    }
                    ops++;
                    j++;
                } else {
                    break;
                }
            }
            if (ops == 0 || j >= n) {
                continue;
            }
            int idStart = j;
            while (j < n && j - idStart < 200 && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '$'
                    || s.charAt(j) == '.' || s.charAt(j) == '[' || s.charAt(j) == ']'
                    || (s.charAt(j) == '"' || s.charAt(j) == '\'' || s.charAt(j) == '`') && j > idStart
                    && s.charAt(j - 1) == '[')) {
                j++;
            }
            if (j == idStart) {
                continue;
            }
            String chain = s.substring(idStart, j).toLowerCase(Locale.ROOT);
            int dot = chain.indexOf('.');
            int br = chain.indexOf('[');
            int cut = dot < 0 ? br : (br < 0 ? dot : Math.min(dot, br));
            String root = cut < 0 ? chain : chain.substring(0, cut);
            int k = j;
            while (k < n && isTagSpace(s.charAt(k))) {
                k++;
            }
            char after = k < n ? s.charAt(k) : 0;
            boolean call = after == '(' || after == '`';
            boolean assign = after == '=' && (k + 1 >= n || s.charAt(k + 1) != '=');
            if (GLOBALS.contains(root) && (call || assign || root.equals("throw") || root.equals("new")
                    || root.equals("void") || (cut >= 0 && chain.length() > root.length() + 1))) {
                if (root.equals("new") || root.equals("throw") || root.equals("void") || root.equals("typeof")
                        || root.equals("delete") || root.equals("with")) {
                    if (!(after == '(' || Character.isLetter(after) || after == '$' || after == '_')) {
                        continue;
                    }
                }
                return "js-break";
            }
            if (call && j - idStart >= 2 && (s.indexOf("//", k) >= 0 || s.indexOf("<!--", k) >= 0)) {
                return "js-break";
            }
        }
        return callOnly(s);
    }

    /** The whole value is a call to a script sink: {@code alert(1)}, {@code eval(atob('...'))}. */
    private static String callOnly(String s) {
        String t = s.strip();
        int i = 0;
        int n = t.length();
        while (i < n && (Character.isLetterOrDigit(t.charAt(i)) || t.charAt(i) == '.' || t.charAt(i) == '_'
                || t.charAt(i) == '$')) {
            i++;
        }
        if (i == 0) {
            return null;
        }
        String name = t.substring(0, i).toLowerCase(Locale.ROOT);
        int k = i;
        while (k < n && isTagSpace(t.charAt(k))) {
            k++;
        }
        if (k >= n || (t.charAt(k) != '(' && t.charAt(k) != '`') || !CALL_SINKS.contains(name)) {
            return null;
        }
        char last = t.charAt(n - 1);
        boolean closed = last == ')' || last == '`' || last == ';' || t.endsWith("//") || t.endsWith("-->");
        boolean hasArg = k + 1 < n && t.charAt(k + 1) != ')';
        return closed && hasArg ? "js-call" : null;
    }

    // ---- client-side template injection

    private static String template(String s) {
        int i = s.indexOf("{{");
        if (i >= 0) {
            int end = s.indexOf("}}", i + 2);
            String inner = s.substring(i + 2, end < 0 ? s.length() : end).toLowerCase(Locale.ROOT);
            if (inner.contains("constructor") || inner.contains("$eval") || inner.contains("$on")
                    || inner.contains("alert(") || inner.contains("prompt(") || inner.contains("confirm(")
                    || inner.contains("__proto__") || inner.contains("$emit") || inner.contains("_c.constructor")) {
                return "template";
            }
        }
        int d = s.indexOf("${");
        while (d >= 0) {
            int k = d + 2;
            while (k < s.length() && isTagSpace(s.charAt(k))) {
                k++;
            }
            int st = k;
            while (k < s.length() && (Character.isLetterOrDigit(s.charAt(k)) || s.charAt(k) == '.' || s.charAt(k) == '_')) {
                k++;
            }
            if (k > st && k < s.length() && (s.charAt(k) == '(' || s.charAt(k) == '`')) {
                String root = s.substring(st, k).toLowerCase(Locale.ROOT);
                int dot = root.indexOf('.');
                if (GLOBALS.contains(dot < 0 ? root : root.substring(0, dot))) {
                    return "template";
                }
            }
            d = s.indexOf("${", d + 2);
        }
        return null;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isTagSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b || c == 0;
    }

    private static Set<String> set(String... items) {
        return Set.copyOf(java.util.Arrays.asList(items));
    }
}
