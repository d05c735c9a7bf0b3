package dev.palisade.headers;

import dev.palisade.pipeline.Attrs;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.MutableHeaders;
import dev.palisade.pipeline.UpstreamRequestStage;

/**
 * The Host the origin sees: the client's own Host (preserve, the default), or the origin group's
 * configured host ({@code origins.<group>.host_header}). After origin selection the server puts the
 * group's value into {@link #HOST}; an absent or empty value preserves the client's Host.
 *
 * <p>X-Forwarded-Host and Forwarded {@code host=} are written from the client's Host by
 * {@link ForwardingIdentity} either way, so the origin can still build public URLs.
 */
public final class OriginHost implements UpstreamRequestStage {

    /** The Host to send to the origin, from the chosen group's {@code host_header}; null or empty preserves. */
    public static final Attrs.Key<String> HOST = Attrs.Key.of("originHost");

    @Override
    public void onUpstreamRequest(Exchange ex, MutableHeaders headers) {
        String host = ex.attrs().get(HOST);
        if (host != null && !host.isEmpty()) {
            headers.set("Host", host);
        }
    }
}
