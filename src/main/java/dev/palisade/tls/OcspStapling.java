package dev.palisade.tls;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OCSP stapling for one listener: one background task per served certificate fetches its status from the
 * responder named in the certificate, keeps the last good answer, and fetches again halfway to its
 * nextUpdate. Handshakes only read what is there ({@link #staple}); they never wait for a responder. When
 * the responder is down or answers nonsense, handshakes go on without a staple (the client asks the
 * responder itself or soft-fails, as without stapling), the failure is counted and logged once per
 * outage, and an answer past its nextUpdate is never stapled.
 *
 * <pre>
 *   palisade-ocsp thread: fetch -> check -> current staple     event loop: SniSelector -> engine.setOcspResponse
 * </pre>
 */
final class OcspStapling implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OcspStapling.class);

    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration MAX_RETRY = Duration.ofMinutes(10);
    private static final Duration MIN_REFRESH = Duration.ofMinutes(1);
    private static final Duration NO_NEXT_UPDATE_REFRESH = Duration.ofHours(1);

    private final String listener;
    private final TlsCounters counters;
    private final Clock clock;
    private final OcspResponder responder;
    private final ScheduledExecutorService timer;
    /** By the leaf certificate's fingerprint, so a reload that keeps a certificate keeps its staple. */
    private final Map<String, Subject> subjects = new ConcurrentHashMap<>();

    OcspStapling(String listener, TlsCounters counters, Clock clock, Duration timeout) {
        this.listener = listener;
        this.counters = counters;
        this.clock = clock;
        this.responder = new OcspResponder(timeout);
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "palisade-ocsp-" + listener);
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.timer = t;
    }

    /**
     * Why {@code cert} cannot be stapled (no OCSP URL, no issuer in its chain), or null when it can. For
     * {@code palisade check} and the startup log.
     */
    static String unstapleable(ServedCertificate cert) {
        if (OcspResponder.ocspUrl(cert.leaf()) == null) {
            return "ocsp_stapling: the certificate names no http:// OCSP responder (Authority Information Access); "
                    + "it is served without a staple";
        }
        if (cert.chain().size() < 2) {
            return "ocsp_stapling: the chain has no issuer certificate to ask the OCSP responder about this one; "
                    + "it is served without a staple";
        }
        return null;
    }

    /** Fetches for these certificates from now on (keeping what is known of ones already served) and forgets the others. */
    void serve(List<ServedCertificate> certificates) {
        Set<String> keep = new HashSet<>();
        for (ServedCertificate c : certificates) {
            if (unstapleable(c) != null) {
                continue;
            }
            String key = CertNames.fingerprint(c.leaf());
            keep.add(key);
            subjects.computeIfAbsent(key, k -> {
                Subject s = new Subject(c.certFile() + " (" + CertNames.describe(c.leaf()) + ")",
                        OcspResponder.ocspUrl(c.leaf()), c.leaf(), c.chain().get(1));
                s.schedule(Duration.ZERO);
                return s;
            });
        }
        subjects.entrySet().removeIf(e -> {
            boolean gone = !keep.contains(e.getKey());
            if (gone) {
                e.getValue().cancel();
            }
            return gone;
        });
    }

    /** The DER OCSP response to staple for the certificate with this fingerprint, or null (none, or out of date). */
    byte[] staple(String fingerprint) {
        Subject s = fingerprint == null ? null : subjects.get(fingerprint);
        OcspResponder.Staple st = s == null ? null : s.current;
        if (st == null || (st.nextUpdate() != null && !st.nextUpdate().isAfter(clock.instant()))) {
            return null;
        }
        return st.der();
    }

    @Override
    public void close() {
        subjects.values().forEach(Subject::cancel);
        timer.shutdownNow();
        subjects.clear();
    }

    /** One certificate's staple and its refresh task. */
    private final class Subject {
        private final String name;
        private final URI url;
        private final X509Certificate leaf;
        private final X509Certificate issuer;
        private volatile OcspResponder.Staple current;
        private volatile ScheduledFuture<?> next;
        private volatile boolean cancelled;
        /** Failures in a row; the first of an outage is logged, the next ones only counted. */
        private int failures;

        Subject(String name, URI url, X509Certificate leaf, X509Certificate issuer) {
            this.name = name;
            this.url = url;
            this.leaf = leaf;
            this.issuer = issuer;
        }

        void schedule(Duration delay) {
            if (!cancelled && !timer.isShutdown()) {
                try {
                    next = timer.schedule(this::refresh, delay.toMillis(), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // closed meanwhile
                }
            }
        }

        void cancel() {
            cancelled = true;
            ScheduledFuture<?> f = next;
            if (f != null) {
                f.cancel(false);
            }
        }

        private void refresh() {
            if (cancelled) {
                return;
            }
            Instant now = clock.instant();
            try {
                OcspResponder.Staple s = responder.fetch(url, leaf, issuer, now);
                current = s;
                counters.ocspFetched.increment();
                if (failures > 0) {
                    log.info("OCSP stapling on {}: {} answered again for {}", listener, url, name);
                }
                if (s.revoked()) {
                    log.error("OCSP stapling on {}: the responder says {} is REVOKED; replace it", listener, name);
                }
                failures = 0;
                schedule(refreshDelay(s, now));
            } catch (OcspResponder.OcspProblem e) {
                if (cancelled || timer.isShutdown()) {
                    return; // closed while asking (palisade check, a reload that dropped the certificate, shutdown)
                }
                counters.ocspFailed.increment();
                if (failures++ == 0) {
                    log.warn("OCSP stapling on {} for {}: {}; handshakes go on without a fresh staple, retrying "
                            + "(further failures are only counted)", listener, name, e.getMessage());
                }
                schedule(retryDelay(failures));
            } catch (RuntimeException e) {
                counters.ocspFailed.increment();
                log.warn("OCSP stapling on {} for {}: {}", listener, name, PemFile.reason(e));
                schedule(MAX_RETRY);
            }
        }
    }

    /** Halfway from now to nextUpdate (responders publish well before), at least a minute from now. */
    static Duration refreshDelay(OcspResponder.Staple s, Instant now) {
        if (s.nextUpdate() == null) {
            return NO_NEXT_UPDATE_REFRESH;
        }
        Duration half = Duration.between(now, s.nextUpdate()).dividedBy(2);
        return half.compareTo(MIN_REFRESH) < 0 ? MIN_REFRESH : half;
    }

    /** 30 s, 1 min, 2 min... up to 10 min between attempts while the responder fails. */
    static Duration retryDelay(int failures) {
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 10));
        return d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d;
    }
}
