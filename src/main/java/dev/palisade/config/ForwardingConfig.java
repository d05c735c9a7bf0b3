package dev.palisade.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the origin learns about the client and whose forwarding headers are believed.
 *
 * @param trustedProxies peers whose X-Forwarded-For / Forwarded are believed and appended to; from
 *                       everyone else they are dropped
 * @param style          which forwarding headers go to the origin: X-Forwarded-*, RFC 7239 Forwarded,
 *                       or both
 */
public record ForwardingConfig(List<Cidr> trustedProxies, Style style) {

    /** Which forwarding header family Palisade writes toward the origin. */
    public enum Style {
        /** X-Forwarded-For, -Proto, -Host, -Port. */
        X_FORWARDED,
        /** RFC 7239 {@code Forwarded: for=...;proto=...;host=...}. */
        FORWARDED,
        /** Both families, with the same facts. */
        BOTH;

        public boolean xForwarded() {
            return this != FORWARDED;
        }

        public boolean forwarded() {
            return this != X_FORWARDED;
        }

        static Style parse(String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "x_forwarded": case "x-forwarded": return X_FORWARDED;
                case "forwarded": return FORWARDED;
                case "both": return BOTH;
                default:
                    throw new IllegalArgumentException("'" + s + "' (expected: x_forwarded, forwarded or both)");
            }
        }
    }

    public static final ForwardingConfig DEFAULTS = new ForwardingConfig(List.of(), Style.BOTH);

    public ForwardingConfig {
        trustedProxies = List.copyOf(trustedProxies == null ? List.of() : trustedProxies);
        style = style == null ? Style.BOTH : style;
    }

    public static ForwardingConfig of(List<Cidr> trustedProxies) {
        return new ForwardingConfig(trustedProxies, Style.BOTH);
    }

    public boolean trusted(InetAddress peer) {
        for (Cidr c : trustedProxies) {
            if (c.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    static ForwardingConfig from(ConfigNode n) {
        List<Cidr> trusted = new ArrayList<>();
        ConfigNode t = n.get("trusted_proxies");
        if (t != null) {
            for (ConfigNode item : t.items()) {
                Cidr c = item.as(Cidr::parse, null);
                if (c != null) {
                    trusted.add(c);
                }
            }
        }
        Style style = n.parsed("style", Style::parse, Style.BOTH);
        n.finish();
        return n.build(() -> new ForwardingConfig(trusted, style), DEFAULTS);
    }
}
