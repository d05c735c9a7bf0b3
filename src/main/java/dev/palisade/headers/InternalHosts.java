package dev.palisade.headers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.palisade.config.Cidr;

/**
 * Decides whether a host name names an origin rather than the public site. Internal are: the chosen
 * origin's host, the configured names and {@code *.domain} patterns, and by default (the safe branch)
 * any private, loopback or link-local address literal, any single-label name such as {@code app1},
 * and names under the reserved internal suffixes ({@code .internal}, {@code .local}, ...).
 */
final class InternalHosts {

    /** Address blocks never reachable from the Internet; a URL naming one can only point at an origin. */
    static final List<Cidr> PRIVATE = List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.168.0.0/16"), Cidr.parse("127.0.0.0/8"), Cidr.parse("169.254.0.0/16"),
            Cidr.parse("100.64.0.0/10"), Cidr.parse("0.0.0.0/8"), Cidr.parse("::1/128"), Cidr.parse("fc00::/7"),
            Cidr.parse("fe80::/10"), Cidr.parse("::/128"));

    /** Suffixes of names that do not resolve on the public Internet. */
    static final List<String> PRIVATE_SUFFIXES = List.of(".internal", ".local", ".localdomain", ".lan", ".corp",
            ".home.arpa", ".intranet", ".private", ".localhost");

    private final Set<String> exact;
    private final List<String> suffixes;
    private final boolean singleLabel;

    private InternalHosts(Set<String> exact, List<String> suffixes) {
        this.exact = exact;
        this.suffixes = suffixes;
        this.singleLabel = exact.stream().anyMatch(e -> e.indexOf('.') < 0 && e.indexOf(':') < 0);
    }

    /** Whether some exact name has no dot, so a value without a dot may still name an origin. */
    boolean hasSingleLabelNames() {
        return singleLabel;
    }

    /** From config entries: names, address literals and {@code *.domain} patterns, any case. */
    static InternalHosts of(Collection<String> entries) {
        Set<String> exact = new HashSet<>();
        List<String> suffixes = new ArrayList<>();
        for (String e : entries) {
            String s = e.toLowerCase(Locale.ROOT);
            if (s.startsWith("*.")) {
                suffixes.add(s.substring(1));
                exact.add(s.substring(2));
            } else {
                exact.add(strip(s));
            }
        }
        return new InternalHosts(Set.copyOf(exact), List.copyOf(suffixes));
    }

    /** A copy that also treats {@code more} (per-exchange names: the origin, the group) as internal. */
    InternalHosts plus(Collection<String> more) {
        if (more.isEmpty()) {
            return this;
        }
        Set<String> exact = new HashSet<>(this.exact);
        for (String m : more) {
            exact.add(strip(m.toLowerCase(Locale.ROOT)));
        }
        return new InternalHosts(exact, suffixes);
    }

    /** {@code host}: a host name without port or brackets, lower case. */
    boolean isInternal(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (h.isEmpty()) {
            return false;
        }
        if (exact.contains(h)) {
            return true;
        }
        for (int i = 0; i < suffixes.size(); i++) {
            if (h.endsWith(suffixes.get(i))) {
                return true;
            }
        }
        byte[] literal = Cidr.literal(h);
        if (literal != null) {
            for (Cidr c : PRIVATE) {
                if (c.contains(literal)) {
                    return true;
                }
            }
            return false;
        }
        if (h.indexOf('.') < 0) {
            return true;
        }
        for (String s : PRIVATE_SUFFIXES) {
            if (h.endsWith(s)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a bare word in free text names an origin: an exact internal name, a name under a configured
     * or reserved internal suffix, or a private IPv4 literal. Unlike {@link #isInternal}, single-label
     * words do not count, since ordinary text is full of them.
     */
    boolean isInternalWord(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        if (exact.contains(w)) {
            return true;
        }
        if (w.indexOf('.') < 0) {
            return false;
        }
        for (int i = 0; i < suffixes.size(); i++) {
            if (w.endsWith(suffixes.get(i))) {
                return true;
            }
        }
        byte[] literal = w.indexOf(':') < 0 ? Cidr.literal(w) : null;
        if (literal != null) {
            for (Cidr c : PRIVATE) {
                if (c.contains(literal)) {
                    return true;
                }
            }
            return false;
        }
        for (String s : PRIVATE_SUFFIXES) {
            if (w.endsWith(s) && w.length() > s.length() && Character.isLetter(w.charAt(w.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    private static String strip(String s) {
        return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    }
}
