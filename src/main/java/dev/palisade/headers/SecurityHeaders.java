package dev.palisade.headers;

import dev.palisade.config.HeadersConfig.Security;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.MutableHeaders;
import dev.palisade.pipeline.ResponseStage;

/**
 * Adds the configured security headers to every response: X-Content-Type-Options, X-Frame-Options,
 * Referrer-Policy, Content-Security-Policy and Permissions-Policy. Strict-Transport-Security is not one of
 * them: it is set per TLS listener ({@code tls.hsts_max_age}), so it can only ever go out over TLS.
 * An origin's own value is kept unless {@code security.override} is set. Runs last in the response phase.
 */
public final class SecurityHeaders implements ResponseStage {

    private final Security security;

    public SecurityHeaders(Security security) {
        this.security = security;
    }

    /** Whether any header is configured; the factory leaves the stage out when none is. */
    public static boolean any(Security s) {
        return !(s.contentTypeOptions().isEmpty() && s.frameOptions().isEmpty()
                && s.referrerPolicy().isEmpty() && s.csp().isEmpty() && s.permissionsPolicy().isEmpty());
    }

    @Override
    public void onResponse(Exchange ex, int status, MutableHeaders headers) {
        put(headers, "X-Content-Type-Options", security.contentTypeOptions());
        put(headers, "X-Frame-Options", security.frameOptions());
        put(headers, "Referrer-Policy", security.referrerPolicy());
        put(headers, "Content-Security-Policy", security.csp());
        put(headers, "Permissions-Policy", security.permissionsPolicy());
    }

    private void put(MutableHeaders headers, String name, String value) {
        if (value.isEmpty() || (!security.override() && headers.contains(name))) {
            return;
        }
        headers.set(name, value);
    }
}
