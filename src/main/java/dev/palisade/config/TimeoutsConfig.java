package dev.palisade.config;

import java.time.Duration;

/**
 * Every timer, named after what it bounds.
 *
 * @param clientHeader   the whole request head must arrive within this time from its first byte (slowloris)
 * @param clientIdle     a keep-alive connection with no request in flight is closed after this
 * @param connect        connecting to an origin
 * @param responseHeader from the request written to the origin to its response head
 * @param originIdle     a pooled origin connection unused for this long is closed
 * @param shutdownGrace  on SIGTERM, in-flight requests get this long to finish
 */
public record TimeoutsConfig(Duration clientHeader, Duration clientIdle, Duration connect, Duration responseHeader,
                             Duration originIdle, Duration shutdownGrace) {

    public static final TimeoutsConfig DEFAULTS = new TimeoutsConfig(Duration.ofSeconds(10), Duration.ofSeconds(75),
            Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(10));

    public TimeoutsConfig {
        positive("client_header", clientHeader);
        positive("client_idle", clientIdle);
        positive("connect", connect);
        positive("response_header", responseHeader);
        positive("origin_idle", originIdle);
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdown_grace: " + shutdownGrace + " (expected: >= 0)");
        }
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + ": " + d + " (expected: > 0)");
        }
    }

    static TimeoutsConfig from(ConfigNode n) {
        TimeoutsConfig d = DEFAULTS;
        Duration clientHeader = n.duration("client_header", d.clientHeader);
        Duration clientIdle = n.duration("client_idle", d.clientIdle);
        Duration connect = n.duration("connect", d.connect);
        Duration responseHeader = n.duration("response_header", d.responseHeader);
        Duration originIdle = n.duration("origin_idle", d.originIdle);
        Duration grace = n.duration("shutdown_grace", d.shutdownGrace);
        n.finish();
        return n.build(() -> new TimeoutsConfig(clientHeader, clientIdle, connect, responseHeader, originIdle, grace), d);
    }
}
