package dev.palisade.headers;

import java.util.Set;

import dev.palisade.config.HeadersConfig.ErrorPageSettings;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.ResponseStage;

/**
 * Decides which origin error pages the client never sees: every 5xx by default (they are where stack
 * traces, internal host names and framework banners end up), and the operator's chosen 4xx codes. The
 * server then writes {@link ErrorPages} instead of the origin's body, with the same status.
 */
public final class ErrorPageReplacement implements ResponseStage {

    private final boolean replace5xx;
    private final Set<Integer> replace4xx;

    public ErrorPageReplacement(ErrorPageSettings settings) {
        this.replace5xx = settings.replace5xx();
        this.replace4xx = Set.copyOf(settings.replace4xx());
    }

    @Override
    public boolean replaceBody(Exchange ex, int status) {
        return (replace5xx && status >= 500 && status <= 599) || replace4xx.contains(status);
    }
}
