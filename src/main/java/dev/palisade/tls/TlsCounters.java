package dev.palisade.tls;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts handshake outcomes on one listener, for metrics. Cheap to bump from any event loop.
 */
public final class TlsCounters {

    final LongAdder handshakes = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder notTls = new LongAdder();
    final LongAdder sniRefused = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    final LongAdder ocspFetched = new LongAdder();
    final LongAdder ocspFailed = new LongAdder();

    /** Completed handshakes. */
    public long handshakes() {
        return handshakes.sum();
    }

    /** Handshakes that failed for any reason, the ones below included. */
    public long failed() {
        return failed.sum();
    }

    /** Connections that sent something other than TLS (plain HTTP, junk) to the TLS port. */
    public long notTls() {
        return notTls.sum();
    }

    /** Handshakes refused by strict SNI. */
    public long sniRefused() {
        return sniRefused.sum();
    }

    /** Handshakes that did not finish within handshake_timeout. */
    public long timedOut() {
        return timedOut.sum();
    }

    /** OCSP responses fetched, checked and ready to staple. */
    public long ocspFetched() {
        return ocspFetched.sum();
    }

    /** OCSP fetches that failed: responder down, an error status, a response that does not check out. */
    public long ocspFailed() {
        return ocspFailed.sum();
    }
}
