package dev.palisade.headers;

import java.util.List;

import dev.palisade.config.OriginGroupConfig;
import dev.palisade.pipeline.Exchange;

/**
 * What the header stages need to know about an origin group: the Host to send it (its
 * {@code host_header}, empty to preserve the client's) and the names it is known by, which responses
 * must not show. Built once per group at config load; after origin selection the server calls
 * {@link #apply} so {@link OriginHost} and {@link OriginUrlRewrite} find them in the exchange.
 *
 * @param host  the Host toward the origin, empty to preserve the client's
 * @param names the group's server hosts and host_header name, lower case
 */
public record GroupHeaders(String host, List<String> names) {

    public GroupHeaders {
        host = host == null ? "" : host;
        names = List.copyOf(names);
    }

    public static GroupHeaders of(OriginGroupConfig group) {
        return new GroupHeaders(group.hostHeader(), OriginUrlRewrite.groupHosts(group));
    }

    /** Puts {@link OriginHost#HOST} and {@link OriginUrlRewrite#GROUP_HOSTS} into the exchange. */
    public void apply(Exchange ex) {
        if (!host.isEmpty()) {
            ex.attrs().put(OriginHost.HOST, host);
        }
        ex.attrs().put(OriginUrlRewrite.GROUP_HOSTS, names);
    }
}
