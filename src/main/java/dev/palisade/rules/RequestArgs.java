package dev.palisade.rules;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.palisade.rules.transform.UrlDecode;

/**
 * Splits a query string or a request body into named arguments: form encoding, JSON (every scalar,
 * named by its key), multipart form fields (file contents are skipped, file names kept) and XML text.
 * Tolerant: malformed input yields what could be read, never an exception.
 */
final class RequestArgs {

    /** Bounds the nesting tracked in JSON, so a deeply nested body costs no more than a flat one. */
    private static final int MAX_DEPTH = 64;

    private RequestArgs() {
    }

    static void parseForm(String s, BiConsumer<String, String> sink) {
        if (s == null || s.isEmpty()) {
            return;
        }
        int i = 0;
        while (i <= s.length()) {
            int amp = s.indexOf('&', i);
            if (amp < 0) {
                amp = s.length();
            }
            if (amp > i) {
                String part = s.substring(i, amp);
                int eq = part.indexOf('=');
                String name = eq < 0 ? part : part.substring(0, eq);
                String value = eq < 0 ? "" : part.substring(eq + 1);
                sink.accept(UrlDecode.decodeOnce(name, true), UrlDecode.decodeOnce(value, true));
            }
            i = amp + 1;
        }
    }

    static void parseJson(String s, BiConsumer<String, String> sink) {
        Deque<String> keys = new ArrayDeque<>();
        Deque<Boolean> inObject = new ArrayDeque<>();
        String pendingKey = null;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '{' || c == '[') {
                if (inObject.size() < MAX_DEPTH) {
                    keys.push(pendingKey == null ? (keys.isEmpty() ? "" : keys.peek()) : pendingKey);
                    inObject.push(c == '{');
                }
                pendingKey = null;
                i++;
            } else if (c == '}' || c == ']') {
                if (!inObject.isEmpty()) {
                    inObject.pop();
                    keys.pop();
                }
                pendingKey = null;
                i++;
            } else if (c == '"') {
                StringBuilder sb = new StringBuilder();
                i = readJsonString(s, i + 1, sb);
                String str = sb.toString();
                int j = i;
                while (j < n && Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                boolean isKey = j < n && s.charAt(j) == ':' && !inObject.isEmpty() && inObject.peek();
                if (isKey) {
                    pendingKey = str;
                    i = j + 1;
                } else {
                    sink.accept(name(pendingKey, keys), str);
                    pendingKey = null;
                }
            } else if (c == '-' || Character.isLetterOrDigit(c)) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(s.charAt(j)) || "+-.".indexOf(s.charAt(j)) >= 0)) {
                    j++;
                }
                sink.accept(name(pendingKey, keys), s.substring(i, j));
                pendingKey = null;
                i = j;
            } else {
                if (c == ',') {
                    pendingKey = null;
                }
                i++;
            }
        }
    }

    private static String name(String pendingKey, Deque<String> keys) {
        if (pendingKey != null) {
            return pendingKey;
        }
        return keys.isEmpty() ? "" : keys.peek();
    }

    private static int readJsonString(String s, int i, StringBuilder out) {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < n) {
                char e = s.charAt(i + 1);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (i + 5 < n) {
                            try {
                                out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                                i += 4;
                            } catch (NumberFormatException ex) {
                                out.append('u');
                            }
                        }
                    }
                    default -> out.append(e);
                }
                i += 2;
                continue;
            }
            out.append(c);
            i++;
        }
        return n;
    }

    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        int b = contentType.toLowerCase(java.util.Locale.ROOT).indexOf("boundary=");
        if (b < 0) {
            return null;
        }
        String v = contentType.substring(b + 9).trim();
        int semi = v.indexOf(';');
        if (semi >= 0) {
            v = v.substring(0, semi).trim();
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        return v.isEmpty() ? null : v;
    }

    static void parseMultipart(String body, String boundary, BiConsumer<String, String> sink, Consumer<String> files) {
        if (boundary == null) {
            return;
        }
        String delim = "--" + boundary;
        int i = body.indexOf(delim);
        while (i >= 0) {
            int start = i + delim.length();
            if (body.startsWith("--", start)) {
                return;
            }
            int next = body.indexOf(delim, start);
            String part = body.substring(start, next < 0 ? body.length() : next);
            int headEnd = part.indexOf("\r\n\r\n");
            int sep = 4;
            if (headEnd < 0) {
                headEnd = part.indexOf("\n\n");
                sep = 2;
            }
            if (headEnd >= 0) {
                String head = part.substring(0, headEnd);
                String content = part.substring(headEnd + sep);
                if (content.endsWith("\r\n")) {
                    content = content.substring(0, content.length() - 2);
                } else if (content.endsWith("\n")) {
                    content = content.substring(0, content.length() - 1);
                }
                String name = param(head, "name");
                String filename = param(head, "filename");
                if (filename != null) {
                    files.accept(filename);
                } else if (name != null) {
                    sink.accept(name, content);
                }
            }
            i = next;
        }
    }

    private static String param(String head, String key) {
        String lower = head.toLowerCase(java.util.Locale.ROOT);
        int from = 0;
        while (true) {
            int k = lower.indexOf(key + "=", from);
            if (k < 0) {
                return null;
            }
            if (k > 0 && Character.isLetterOrDigit(lower.charAt(k - 1))) {
                from = k + 1;
                continue;
            }
            int v = k + key.length() + 1;
            if (v < head.length() && head.charAt(v) == '"') {
                int end = head.indexOf('"', v + 1);
                return head.substring(v + 1, end < 0 ? head.length() : end);
            }
            int end = v;
            while (end < head.length() && head.charAt(end) != ';' && head.charAt(end) != '\r' && head.charAt(end) != '\n') {
                end++;
            }
            return head.substring(v, end).trim();
        }
    }

    /** Element text and attribute values of an XML body, named by their element or attribute. */
    static void parseXml(String s, BiConsumer<String, String> sink) {
        int i = 0;
        String element = "";
        int n = s.length();
        while (i < n) {
            int lt = s.indexOf('<', i);
            String text = s.substring(i, lt < 0 ? n : lt).trim();
            if (!text.isEmpty()) {
                sink.accept(element, text);
            }
            if (lt < 0) {
                return;
            }
            if (s.startsWith("<![CDATA[", lt)) {
                int end = s.indexOf("]]>", lt);
                sink.accept(element, s.substring(lt + 9, end < 0 ? n : end));
                i = end < 0 ? n : end + 3;
                continue;
            }
            int gt = s.indexOf('>', lt);
            String tag = s.substring(lt + 1, gt < 0 ? n : gt);
            int sp = 0;
            while (sp < tag.length() && !Character.isWhitespace(tag.charAt(sp)) && tag.charAt(sp) != '/') {
                sp++;
            }
            String name = tag.substring(0, sp);
            if (!name.startsWith("/") && !name.startsWith("?") && !name.startsWith("!")) {
                element = name;
                String attrs = tag.substring(sp);
                int q = 0;
                while ((q = attrs.indexOf('=', q)) >= 0) {
                    int a = q - 1;
                    while (a >= 0 && Character.isWhitespace(attrs.charAt(a))) {
                        a--;
                    }
                    int b = a;
                    while (b >= 0 && !Character.isWhitespace(attrs.charAt(b))) {
                        b--;
                    }
                    String attr = attrs.substring(b + 1, a + 1);
                    int v = q + 1;
                    while (v < attrs.length() && Character.isWhitespace(attrs.charAt(v))) {
                        v++;
                    }
                    if (v < attrs.length() && (attrs.charAt(v) == '"' || attrs.charAt(v) == '\'')) {
                        int end = attrs.indexOf(attrs.charAt(v), v + 1);
                        sink.accept(attr, attrs.substring(v + 1, end < 0 ? attrs.length() : end));
                        q = end < 0 ? attrs.length() : end + 1;
                    } else {
                        q = v;
                    }
                }
            }
            i = gt < 0 ? n : gt + 1;
        }
    }
}
