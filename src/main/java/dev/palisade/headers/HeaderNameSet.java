package dev.palisade.headers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.palisade.pipeline.Headers;
import dev.palisade.pipeline.MutableHeaders;

/**
 * A set of header names matched case-insensitively: exact names, and prefix families written with a
 * trailing {@code *} ({@code x-backend-*}). Immutable; built once from constants and config.
 */
public final class HeaderNameSet {

    private final Set<String> exact;
    private final List<String> prefixes;
    private final Set<String> except;
    /** The same sets for an ASCII name, looked up without lower-casing it first (no copy per lookup). */
    private final AsciiNames exactTable;
    private final AsciiNames exceptTable;
    private final String[] prefixArray;
    /** ASCII first characters any name of this set starts with, or null when a prefix is empty. */
    private final boolean[] firstChars;

    private HeaderNameSet(Set<String> exact, List<String> prefixes, Set<String> except) {
        this.exact = Set.copyOf(exact);
        this.prefixes = List.copyOf(prefixes);
        this.except = Set.copyOf(except);
        this.exactTable = new AsciiNames(this.exact);
        this.exceptTable = new AsciiNames(this.except);
        this.prefixArray = this.prefixes.toArray(new String[0]);
        this.firstChars = firstChars(this.exact, this.prefixes);
    }

    private static boolean[] firstChars(Set<String> exact, List<String> prefixes) {
        boolean[] first = new boolean[128];
        for (String p : prefixes) {
            if (p.isEmpty()) {
                return null;
            }
            if (p.charAt(0) < 128) {
                first[p.charAt(0)] = true;
            }
        }
        for (String e : exact) {
            if (!e.isEmpty() && e.charAt(0) < 128) {
                first[e.charAt(0)] = true;
            }
        }
        return first;
    }

    /** Names such as {@code "Server"} or {@code "X-Backend-*"}, any case. */
    public static HeaderNameSet of(Collection<String> names) {
        Set<String> exact = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        for (String n : names) {
            String s = n.toLowerCase(Locale.ROOT);
            if (s.endsWith("*")) {
                prefixes.add(s.substring(0, s.length() - 1));
            } else {
                exact.add(s);
            }
        }
        return new HeaderNameSet(exact, prefixes, Set.of());
    }

    public static HeaderNameSet of(String... names) {
        return of(List.of(names));
    }

    /**
     * This set plus {@code more}, except the exact names in {@code less}, which no longer match even when
     * a prefix family covers them (revealing {@code X-Backend-Region} keeps {@code X-Backend-*} hidden).
     */
    public HeaderNameSet with(Collection<String> more, Collection<String> less) {
        HeaderNameSet add = of(more);
        Set<String> exact = new HashSet<>(this.exact);
        exact.addAll(add.exact);
        List<String> prefixes = new ArrayList<>(this.prefixes);
        prefixes.addAll(add.prefixes);
        Set<String> except = new HashSet<>(this.except);
        for (String l : less) {
            except.add(l.toLowerCase(Locale.ROOT));
        }
        return new HeaderNameSet(exact, prefixes, except);
    }

    public boolean isEmpty() {
        return exact.isEmpty() && prefixes.isEmpty();
    }

    public boolean matches(String name) {
        if (firstChars != null && !name.isEmpty()) {
            // an ASCII first letter stays itself (lower-cased) in the lower-cased name: no name starts with it
            char c = name.charAt(0);
            if (c < 128 && !firstChars[c >= 'A' && c <= 'Z' ? c + 32 : c]) {
                return false;
            }
        }
        if (!isAscii(name)) {
            return matchesLowered(lower(name));
        }
        if (exactTable.contains(name)) {
            return !exceptTable.contains(name);
        }
        if (exceptTable.contains(name)) {
            return false;
        }
        for (String p : prefixArray) {
            if (AsciiNames.startsWithLower(name, p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAscii(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    private boolean matchesLowered(String s) {
        if (exact.contains(s)) {
            return !except.contains(s);
        }
        if (!except.isEmpty() && except.contains(s)) {
            return false;
        }
        for (int i = 0; i < prefixes.size(); i++) {
            if (s.startsWith(prefixes.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** ASCII lower case without a copy when there is nothing to change, which is the common case on HTTP/2. */
    static String lower(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z' || c > 0x7f) {
                return name.toLowerCase(Locale.ROOT);
            }
        }
        return name;
    }

    /** The distinct names present in {@code headers} that this set matches, as spelled there. */
    public List<String> present(Headers headers) {
        return select(headers, true);
    }

    /** The distinct names present in {@code headers} that this set does not match, as spelled there. */
    public List<String> absent(Headers headers) {
        return select(headers, false);
    }

    /** The distinct names whose match is {@code matching}; allocates nothing when there is none. */
    private List<String> select(Headers headers, boolean matching) {
        List<String> out = null;
        Set<String> seen = null;
        for (Map.Entry<String, String> e : headers) {
            String name = e.getKey();
            if (matches(name) == matching) {
                if (out == null) {
                    out = new ArrayList<>(4);
                    seen = new HashSet<>(8);
                }
                if (seen.add(lower(name))) {
                    out.add(name);
                }
            }
        }
        return out == null ? List.of() : out;
    }

    /** Removes every field this set matches; returns how many distinct names went. */
    public int removeFrom(MutableHeaders headers) {
        List<String> names = present(headers);
        for (int i = 0; i < names.size(); i++) {
            headers.remove(names.get(i));
        }
        return names.size();
    }
}
