package dev.palisade.headers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import dev.palisade.config.HostPort;
import dev.palisade.config.OriginGroupConfig;
import dev.palisade.pipeline.Attrs;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.MutableHeaders;
import dev.palisade.pipeline.ResponseStage;

/**
 * Rewrites URLs in response headers that name an origin to the public host and scheme: Location,
 * Content-Location, Refresh and Link, and drops a Set-Cookie Domain naming an internal host. The
 * public side is the client's Host and whether it used TLS; the origin side is {@link Exchange#origin()},
 * the group's names in {@link #GROUP_HOSTS}, {@code headers.internal_hosts}, and the private-address
 * defaults of {@link InternalHosts}. Other hosts and relative URLs are left byte for byte.
 *
 * <p>Then every other header value (except {@link #OPAQUE} ones) is scrubbed: absolute URLs naming an
 * internal host anywhere in it (a CSP report-uri, Access-Control-Allow-Origin, a URL in a query string)
 * are rewritten the same way, and a bare origin name or private IPv4 address (a WWW-Authenticate realm)
 * becomes the public host name.
 */
public final class OriginUrlRewrite implements ResponseStage {

    /**
     * Host names of the chosen origin group (its servers and host_header), put by the server after origin
     * selection; {@link #groupHosts} computes it once per group.
     */
    public static final Attrs.Key<Collection<String>> GROUP_HOSTS = Attrs.Key.of("groupHosts");

    /** Single-URL headers. */
    public static final List<String> URL_HEADERS = List.of("Location", "Content-Location");

    /**
     * Values never scrubbed for embedded URLs and names: cookies (their Domain is handled above, their
     * values belong to the application) and checksums of the representation.
     */
    public static final HeaderNameSet OPAQUE = HeaderNameSet.of("set-cookie", "etag", "digest", "content-digest",
            "repr-digest", "content-md5", "date", "last-modified", "expires", "content-length",
            // structured values with no place for a host name: not worth scanning on every response
            "content-type", "content-encoding", "cache-control", "vary", "accept-ranges", "age", "pragma",
            "retry-after", "x-content-type-options", "strict-transport-security", "x-request-id");

    /** Headers rewritten by their own rule above, before the embedded scrub. */
    private static final HeaderNameSet SPECIAL = HeaderNameSet.of("location", "content-location", "refresh", "link",
            "set-cookie");

    private final InternalHosts internal;

    public OriginUrlRewrite(Collection<String> internalHosts) {
        this.internal = InternalHosts.of(internalHosts);
    }

    /** The names an origin group is known by: every server's host and its host_header's name. */
    public static List<String> groupHosts(OriginGroupConfig group) {
        List<String> out = new ArrayList<>();
        for (HostPort hp : group.servers()) {
            out.add(hp.host().toLowerCase(java.util.Locale.ROOT));
        }
        if (group.hostHeader() != null && !group.hostHeader().isEmpty()) {
            out.add(PublicOrigin.hostName(group.hostHeader()));
        }
        return List.copyOf(out);
    }

    @Override
    public void onResponse(Exchange ex, int status, MutableHeaders headers) {
        String originHost = ex.origin().isEmpty() ? "" : PublicOrigin.hostName(ex.origin());
        Collection<String> groupHosts = ex.attrs().getOrDefault(GROUP_HOSTS, List.of());
        if (nothingToRewrite(headers, groupHosts, originHost)) {
            return;
        }
        List<String> extra = new ArrayList<>(groupHosts);
        if (!originHost.isEmpty()) {
            extra.add(originHost);
        }
        UrlRewriter r = new UrlRewriter(internal.plus(extra), PublicOrigin.validHost(ex.request().host()),
                ex.client().secure(), originPort(ex.origin()));
        for (String name : URL_HEADERS) {
            rewrite(headers, name, r::url);
        }
        rewrite(headers, "Refresh", r::refresh);
        rewrite(headers, "Link", r::link);
        rewrite(headers, "Set-Cookie", v -> r.setCookie(v, originHost));
        for (String name : OPAQUE.absent(headers)) {
            rewrite(headers, name, r::embedded);
        }
    }

    /**
     * The common response needs no work: none of the URL-bearing headers, and no other scrubbed value
     * with a dot or a {@code ://} in it, which {@link UrlRewriter#embedded} would return unchanged
     * (unless some internal name is a single label, when any word may name an origin). Answers
     * without building the per-exchange rewriter.
     */
    private boolean nothingToRewrite(MutableHeaders headers, Collection<String> groupHosts, String originHost) {
        if (internal.hasSingleLabelNames() || !originHost.isEmpty() && singleLabel(originHost)) {
            return false;
        }
        for (String g : groupHosts) {
            if (singleLabel(g)) {
                return false;
            }
        }
        for (Map.Entry<String, String> e : headers) {
            String name = e.getKey();
            if (SPECIAL.matches(name)) {
                return false;
            }
            String v = e.getValue();
            if ((v.indexOf('.') >= 0 || v.contains("://")) && !OPAQUE.matches(name)) {
                return false;
            }
        }
        return true;
    }

    /** As {@link InternalHosts#plus} reads an extra name: one without a dot or colon makes any word suspect. */
    private static boolean singleLabel(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.indexOf('.') < 0 && h.indexOf(':') < 0;
    }

    private static int originPort(String origin) {
        int colon = origin.lastIndexOf(':');
        if (colon < 0 || colon < origin.lastIndexOf(']')) {
            return 0;
        }
        try {
            return Integer.parseInt(origin.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Rewrites every field of {@code name}, keeping order; leaves the headers untouched when nothing changes. */
    private static void rewrite(MutableHeaders headers, String name, UnaryOperator<String> f) {
        List<String> values = headers.getAll(name);
        if (values.isEmpty()) {
            return;
        }
        List<String> out = new ArrayList<>(values.size());
        boolean changed = false;
        for (String v : values) {
            String r = f.apply(v);
            changed |= !r.equals(v);
            out.add(r);
        }
        if (changed) {
            headers.remove(name);
            for (String v : out) {
                headers.add(name, v);
            }
        }
    }
}
