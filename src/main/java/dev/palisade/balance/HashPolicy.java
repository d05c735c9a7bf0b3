package dev.palisade.balance;

import java.util.List;

import dev.palisade.pipeline.Exchange;

/**
 * Sticky balancing: the same key goes to the same server while it is available. The key is the client
 * address, a request header or a cookie ({@code address}, {@code header:NAME}, {@code cookie:NAME}).
 * When the server that owns a key is unavailable the key moves to the next one on the ring, and comes
 * back when its owner does. A request without the key is spread at random.
 */
final class HashPolicy implements Policy {

    private final HashRing ring;
    private final String header;
    private final String cookie;
    private final RandomPolicy fallback = new RandomPolicy();

    HashPolicy(String key, Origin[] origins) {
        String[] ids = new String[origins.length];
        int[] weights = new int[origins.length];
        for (int i = 0; i < origins.length; i++) {
            ids[i] = origins[i].address().toString();
            weights[i] = origins[i].weight();
        }
        this.ring = new HashRing(ids, weights);
        this.header = key.startsWith("header:") ? key.substring(7) : null;
        this.cookie = key.startsWith("cookie:") ? key.substring(7) : null;
    }

    @Override
    public int choose(Candidates c, Exchange ex) {
        String key = key(ex);
        if (key == null) {
            return fallback.choose(c, ex);
        }
        return ring.owner(HashRing.hash(key), c);
    }

    String key(Exchange ex) {
        if (header != null) {
            return ex.request().headers().get(header);
        }
        if (cookie != null) {
            return cookie(ex.request().headers().getAll("cookie"), cookie);
        }
        return ex.client().ip();
    }

    /** The value of cookie {@code name} in the Cookie fields, or null. */
    static String cookie(List<String> fields, String name) {
        for (String field : fields) {
            int i = 0;
            int len = field.length();
            while (i < len) {
                int semi = field.indexOf(';', i);
                int end = semi < 0 ? len : semi;
                int eq = field.indexOf('=', i);
                if (eq > 0 && eq < end) {
                    String n = field.substring(i, eq).trim();
                    if (n.equals(name)) {
                        return field.substring(eq + 1, end).trim();
                    }
                }
                i = end + 1;
            }
        }
        return null;
    }
}
