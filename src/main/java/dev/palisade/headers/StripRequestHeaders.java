package dev.palisade.headers;

import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.MutableHeaders;
import dev.palisade.pipeline.UpstreamRequestStage;

/**
 * Removes the operator's {@code headers.strip_request} names (exact or {@code prefix-*}) from the request
 * before it goes to the origin. Runs after {@link HopByHop}, before {@link ForwardingIdentity}, so an
 * operator cannot accidentally strip what Palisade itself writes.
 */
public final class StripRequestHeaders implements UpstreamRequestStage {

    private final HeaderNameSet names;

    public StripRequestHeaders(HeaderNameSet names) {
        this.names = names;
    }

    @Override
    public void onUpstreamRequest(Exchange ex, MutableHeaders headers) {
        names.removeFrom(headers);
    }
}
