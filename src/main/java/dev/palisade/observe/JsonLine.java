package dev.palisade.observe;

import java.time.Instant;

import dev.palisade.pipeline.Exchange;

/**
 * Builds one JSON object on one line. Every string goes through {@link #escape}, so a value taken from a
 * client (a path, a header) can never end the line, forge a field or break the JSON: quotes, backslashes,
 * all control characters, DEL, and U+2028/U+2029 are written as escapes, and unpaired surrogates become
 * U+FFFD.
 */
public final class JsonLine {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Client values longer than this are cut, so one request cannot write a huge log line. */
    public static final int MAX_VALUE = 2048;

    private StringBuilder sb = new StringBuilder(256).append('{');
    private boolean first = true;

    public JsonLine field(String name, String value) {
        key(name);
        if (value == null) {
            sb.append("null");
        } else {
            sb.append('"');
            escape(value, sb, MAX_VALUE);
            sb.append('"');
        }
        return this;
    }

    /** The current time, as {@code Instant.now().toString()} prints it (see {@link LogTime}). */
    public JsonLine now(String name) {
        key(name);
        sb.append('"');
        LogTime.append(Instant.now(), sb).append('"');
        return this;
    }

    public JsonLine field(String name, long value) {
        key(name);
        sb.append(value);
        return this;
    }

    public JsonLine field(String name, boolean value) {
        key(name);
        sb.append(value);
        return this;
    }

    /** The fields every request line starts with: request id, client, listener, method, host, path, query. */
    public JsonLine request(Exchange ex) {
        return field("id", ex.requestId())
                .field("client", ex.client().ip())
                .field("listener", ex.client().listener())
                .field("method", ex.request().method())
                .field("host", ex.request().host())
                .field("path", ex.request().path())
                .field("query", ex.request().query());
    }

    /** Adds an already-built JSON value (an array or object made by this class). */
    public JsonLine raw(String name, String json) {
        key(name);
        sb.append(json);
        return this;
    }

    /**
     * Empties the line for another object, keeping the buffer unless one long line grew it past
     * {@code maxKeep} characters: for a line that one thread builds again and again.
     */
    JsonLine clear(int maxKeep) {
        if (sb.capacity() > maxKeep) {
            sb = new StringBuilder(256);
        }
        sb.setLength(0);
        sb.append('{');
        first = true;
        return this;
    }

    private void key(String name) {
        if (!first) {
            sb.append(',');
        }
        first = false;
        sb.append('"');
        escape(name, sb, MAX_VALUE);
        sb.append("\":");
    }

    @Override
    public String toString() {
        // one copy: close the object, take the text, reopen it for any field added later
        String s = sb.append('}').toString();
        sb.setLength(sb.length() - 1);
        return s;
    }

    /** Appends {@code s} escaped for the inside of a JSON string, cut at {@code max} characters. */
    public static void escape(String s, StringBuilder out, int max) {
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || c == '<' || c == '>') {
                        unicode(c, out);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append("\\ufffd");
                    } else {
                        out.append(c);
                    }
            }
        }
        if (s.length() > max) {
            out.append("...");
        }
    }

    private static void unicode(char c, StringBuilder out) {
        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}
