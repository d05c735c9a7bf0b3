package dev.palisade.tls;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.palisade.config.ConfigProblem;
import io.netty.handler.ssl.SslContext;

/**
 * Host name to server context, immutable. An exact SAN name wins over a wildcard; a wildcard covers one
 * label ({@code *.example.com} answers {@code a.example.com}, not {@code example.com} nor
 * {@code a.b.example.com}). When two certificates claim a name, the one in date that expires last serves it.
 */
final class SniTable {

    private final Map<String, Entry> exact;
    private final Map<String, Entry> wildcard;
    private final Entry fallback;

    /** A context and the certificate it serves. */
    record Entry(ServedCertificate certificate, SslContext context) {
    }

    private SniTable(Map<String, Entry> exact, Map<String, Entry> wildcard, Entry fallback) {
        this.exact = exact;
        this.wildcard = wildcard;
        this.fallback = fallback;
    }

    /**
     * @param entries     in file order
     * @param defaultHost the host whose certificate answers clients without SNI; empty: the first entry
     * @param warnings    receives one warning per name claimed twice
     * @return null, with a problem added, when {@code defaultHost} is not covered
     */
    static SniTable build(List<Entry> entries, String defaultHost, String where, List<ConfigProblem> warnings,
                          List<ConfigProblem> problems) {
        Map<String, Entry> exact = new HashMap<>();
        Map<String, Entry> wildcard = new HashMap<>();
        Map<String, Entry> claimed = new LinkedHashMap<>();
        // when two certificates name the same host (a renewal beside the old file), the one in date that
        // lasts longest serves it; file order breaks ties
        List<Entry> byPreference = new ArrayList<>(entries);
        byPreference.sort(Comparator.comparing((Entry e) -> !e.certificate().inDate())
                .thenComparing(e -> e.certificate().notAfter(), Comparator.reverseOrder()));
        for (Entry e : byPreference) {
            for (String name : e.certificate().names()) {
                Entry first = claimed.putIfAbsent(name, e);
                if (first != null && first != e) {
                    warnings.add(PemFile.problem(e.certificate().certFile().toString(), "name '" + name
                            + "' is also in " + first.certificate().certFile() + ", which serves it"));
                    continue;
                }
                if (CertNames.isWildcard(name)) {
                    wildcard.put(name.substring(2), e);
                } else if (!name.contains("*")) {
                    exact.put(name, e);
                }
            }
        }
        Entry fallback = entries.isEmpty() ? null : entries.get(0);
        SniTable t = new SniTable(Map.copyOf(exact), Map.copyOf(wildcard), fallback);
        if (!defaultHost.isEmpty()) {
            Entry d = t.find(defaultHost);
            if (d == null) {
                problems.add(new ConfigProblem(where, 0, "default_host", "'" + defaultHost
                        + "' is in no certificate (expected: a name from a certificate's SAN)"));
                return null;
            }
            t = new SniTable(t.exact, t.wildcard, d);
        }
        return t;
    }

    /** The entry for {@code host} (lowercase, as SniHandler passes it), or null when no certificate names it. */
    Entry find(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        Entry e = exact.get(h);
        if (e != null) {
            return e;
        }
        int dot = h.indexOf('.');
        return dot > 0 ? wildcard.get(h.substring(dot + 1)) : null;
    }

    /** The entry for clients that send no SNI or a name no certificate covers (when SNI is not strict). */
    Entry fallback() {
        return fallback;
    }

    List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (Entry e : exact.values()) {
            if (!out.contains(e)) {
                out.add(e);
            }
        }
        for (Entry e : wildcard.values()) {
            if (!out.contains(e)) {
                out.add(e);
            }
        }
        if (fallback != null && !out.contains(fallback)) {
            out.add(fallback);
        }
        return out;
    }
}
