package dev.palisade.headers;

import java.util.ArrayList;
import java.util.List;

import dev.palisade.config.Cidr;
import dev.palisade.config.ForwardingConfig;
import dev.palisade.pipeline.MutableHeaders;

/**
 * Converts a trusted proxy's client chain between the two forwarding families. A trusted proxy may
 * send only X-Forwarded-For or only Forwarded; {@link ForwardingIdentity} fills the other from it
 * before appending, so an origin reading either sees the whole chain and not just the last hop.
 * Entries that are not addresses become {@code unknown}, never copied text.
 */
final class ForwardedChains {

    private ForwardedChains() {
    }

    static void translate(MutableHeaders headers, ForwardingConfig.Style style) {
        boolean hasXff = headers.contains("x-forwarded-for");
        boolean hasForwarded = headers.contains("forwarded");
        if (style.forwarded() && hasXff && !hasForwarded) {
            List<String> els = new ArrayList<>();
            for (String v : headers.getAll("x-forwarded-for")) {
                for (String node : v.split(",")) {
                    els.add("for=" + forwardedNode(node.trim()));
                }
            }
            headers.set("Forwarded", String.join(", ", els));
        } else if (style.xForwarded() && hasForwarded && !hasXff) {
            List<String> nodes = new ArrayList<>();
            for (String v : headers.getAll("forwarded")) {
                for (String el : v.split(",")) {
                    for (String pair : el.split(";")) {
                        int eq = pair.indexOf('=');
                        if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("for")) {
                            nodes.add(xffNode(pair.substring(eq + 1).trim()));
                        }
                    }
                }
            }
            if (!nodes.isEmpty()) {
                headers.set("X-Forwarded-For", String.join(", ", nodes));
            }
        }
    }

    /** An X-Forwarded-For entry as a Forwarded node: IPv6 quoted and bracketed, non-addresses "unknown". */
    static String forwardedNode(String xff) {
        byte[] a = Cidr.literal(xff);
        if (a == null) {
            return "unknown";
        }
        String f = Addresses.format(a);
        return a.length == 16 ? "\"[" + f + "]\"" : f;
    }

    /** A Forwarded {@code for=} value as an X-Forwarded-For entry: unquoted, no brackets, no port. */
    static String xffNode(String node) {
        String n = node;
        if (n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")) {
            n = n.substring(1, n.length() - 1);
        }
        if (n.startsWith("[")) {
            int end = n.indexOf(']');
            n = end < 0 ? n.substring(1) : n.substring(1, end);
        } else if (n.indexOf(':') >= 0 && n.indexOf(':') == n.lastIndexOf(':')) {
            n = n.substring(0, n.indexOf(':'));
        }
        byte[] a = Cidr.literal(n);
        return a == null ? "unknown" : Addresses.format(a);
    }
}
