package dev.palisade.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What the origin learns about the client.
 *
 * @param trustedProxies peers whose X-Forwarded-For / Forwarded are believed; from everyone else they are dropped
 */
public record ForwardingConfig(List<Cidr> trustedProxies) {

    public static final ForwardingConfig DEFAULTS = new ForwardingConfig(List.of());

    public ForwardingConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }

    public boolean trusted(java.net.InetAddress peer) {
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
        n.finish();
        return new ForwardingConfig(trusted);
    }
}
