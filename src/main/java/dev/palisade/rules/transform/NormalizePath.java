package dev.palisade.rules.transform;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * {@code normalize_path}: the path a file system would resolve: backslashes become '/', repeated '/'
 * collapse, {@code .} segments go and {@code ..} removes the segment before it (never climbing above
 * the root). A trailing '/' is kept. A relative path that starts in the current directory keeps its
 * {@code ./} ({@code ./\/.//etc/passwd} reads {@code ./etc/passwd}), so a list of absolute targets still
 * finds what it names. Decode first ({@code normalize_path(url_decode(path))}) to see through {@code %2e%2e}.
 */
final class NormalizePath implements Transform {

    private static final CharMask TRIGGERS = CharMask.of("\\/.");

    @Override
    public String name() {
        return "normalize_path";
    }

    @Override
    public CharMask triggers() {
        return TRIGGERS;
    }

    @Override
    public String apply(String v) {
        return v.isEmpty() || alreadyNormal(v) ? v : resolve(v);
    }

    /** The full resolution, segment by segment. */
    static String resolve(String v) {
        String s = v.replace('\\', '/');
        boolean absolute = s.startsWith("/");
        boolean here = s.startsWith("./");
        boolean trailing = s.endsWith("/") || s.endsWith("/.") || s.endsWith("/..") || s.equals(".") || s.equals("..");
        Deque<String> out = new ArrayDeque<>();
        int i = 0;
        while (i <= s.length()) {
            int j = s.indexOf('/', i);
            if (j < 0) {
                j = s.length();
            }
            String seg = s.substring(i, j);
            if (seg.isEmpty() || seg.equals(".")) {
                // skip
            } else if (seg.equals("..")) {
                if (!out.isEmpty() && !out.peekLast().equals("..")) {
                    out.pollLast();
                } else if (!absolute) {
                    out.addLast("..");
                }
            } else {
                out.addLast(seg);
            }
            i = j + 1;
        }
        StringBuilder sb = new StringBuilder(s.length());
        if (absolute) {
            sb.append('/');
        } else if (here && (out.isEmpty() || !out.peekFirst().equals(".."))) {
            sb.append("./");
        }
        sb.append(String.join("/", out));
        if (trailing && !out.isEmpty()) {
            sb.append('/');
        }
        String r = sb.toString();
        return r.equals(v) ? v : r;
    }

    /**
     * True when {@code v} has no backslash, no "//" and no "." or ".." segment: then resolving it changes
     * nothing, and the segments need not be split.
     */
    static boolean alreadyNormal(String v) {
        int n = v.length();
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c == '\\') {
                return false;
            }
            if (c == '/' && i + 1 < n && v.charAt(i + 1) == '/') {
                return false;
            }
            if (c == '.' && (i == 0 || v.charAt(i - 1) == '/')) {
                int j = i + 1 < n && v.charAt(i + 1) == '.' ? i + 2 : i + 1;
                if (j == n || v.charAt(j) == '/') {
                    return false;
                }
            }
        }
        return true;
    }
}
