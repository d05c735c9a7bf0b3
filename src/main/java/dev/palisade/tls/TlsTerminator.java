package dev.palisade.tls;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.TlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AsyncMapping;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * TLS for one listener: loads the certificates, builds a server context per certificate, and hands the
 * server a handler for each new connection. The handler picks the context by SNI from the table that is
 * current when the ClientHello arrives; {@link #reload} builds a whole new table and swaps it in one
 * write, so open connections keep their session and new handshakes get the new certificates. A reload
 * that finds any problem changes nothing.
 *
 * <pre>
 *   pipeline: [PROXY decoder] -> connection gate -> newHandler() (SNI, then SslHandler) -> guard -> HTTP
 * </pre>
 */
public final class TlsTerminator {

    private static final Logger log = LoggerFactory.getLogger(TlsTerminator.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String listener;
    private final Function<String, String> environment;
    private final Clock clock;
    private final TlsCounters counters = new TlsCounters();
    private final HandshakeGuard.FailureLog failureLog;
    private final AsyncMapping<String, SslContext> mapping = this::select;
    private volatile State state;
    /** The first key encrypts new tickets; the second still opens tickets from the previous period. */
    private volatile OpenSslSessionTicketKey[] ticketKeys = {newTicketKey()};
    private final AtomicLong nextRotation = new AtomicLong();
    /** Fetches OCSP staples while a loaded state asks for them (ocsp_stapling with OpenSSL); else null. */
    private OcspStapling ocsp;

    /**
     * Everything one load produced; replaced whole. {@code stapled} maps each context that may carry an OCSP
     * staple (by identity) to its certificate's fingerprint; empty without stapling.
     */
    private record State(TlsConfig cfg, SslProvider provider, SniTable table, List<ServedCertificate> certificates,
                         List<String> warnings, int outOfDate, Map<SslContext, String> stapled) {
    }

    private TlsTerminator(String listener, Function<String, String> environment, Clock clock) {
        this.listener = listener;
        this.environment = environment;
        this.clock = clock;
        this.failureLog = new HandshakeGuard.FailureLog(listener, 10, TimeUnit.SECONDS);
    }

    public static TlsTerminator create(TlsConfig cfg) throws ConfigException {
        return create("tls", cfg);
    }

    /** As {@link #create(TlsConfig)}, naming the listener in log lines. */
    public static TlsTerminator create(String listener, TlsConfig cfg) throws ConfigException {
        return create(listener, cfg, System::getenv, Clock.systemUTC());
    }

    static TlsTerminator create(String listener, TlsConfig cfg, Function<String, String> environment, Clock clock)
            throws ConfigException {
        TlsTerminator t = new TlsTerminator(listener, environment, clock);
        t.state = t.build(cfg);
        t.staple(t.state);
        t.nextRotation.set(System.nanoTime() + rotationPeriod(cfg));
        t.logState("TLS ready");
        return t;
    }

    /**
     * A new handler for a freshly accepted connection; add it where TLS belongs in the pipeline (after the
     * connection gate). It replaces itself with an {@code SslHandler} once the ClientHello is read and puts
     * a small guard after itself that closes connections whose handshake fails.
     */
    public ChannelHandler newHandler(ByteBufAllocator alloc) {
        long timeout = state.cfg().handshakeTimeout().toMillis();
        return new SniSelector(mapping, timeout, new HandshakeGuard(counters, failureLog), this::stapleFor);
    }

    /** Re-reads the certificates with the current settings. */
    public void reload() throws ConfigException {
        reload(state.cfg());
    }

    /**
     * Re-reads the certificates with {@code cfg} (for a changed config file) and swaps them in for new
     * handshakes. On any problem the current certificates keep serving and the problems are thrown.
     */
    public void reload(TlsConfig cfg) throws ConfigException {
        prepare(cfg).apply();
    }

    /**
     * The first half of a reload: reads and checks everything for {@code cfg} and builds the contexts, without
     * serving them yet. A server reloading several listeners prepares all of them, and applies them only
     * when every one succeeded, so a bad file on one listener changes nothing anywhere.
     */
    public Prepared prepare(TlsConfig cfg) throws ConfigException {
        try {
            return new Prepared(build(cfg));
        } catch (ConfigException e) {
            log.warn("TLS reload on {} refused, the current certificates keep serving:\n{}", listener, e.getMessage());
            throw e;
        }
    }

    /** Certificates read and checked, ready to serve; {@link #apply} swaps them in for new handshakes. */
    public final class Prepared {
        private final State next;

        private Prepared(State next) {
            this.next = next;
        }

        public void apply() {
            state = next;
            staple(next);
            logState("TLS reloaded");
        }
    }

    /** Stops background work (OCSP fetching); the terminator serves no more connections after this. */
    public synchronized void close() {
        if (ocsp != null) {
            ocsp.close();
            ocsp = null;
        }
    }

    /** Starts, updates or stops OCSP fetching for the certificates of {@code s}. */
    private synchronized void staple(State s) {
        if (!s.stapled().isEmpty()) {
            if (ocsp == null) {
                ocsp = new OcspStapling(listener, counters, clock, s.cfg().handshakeTimeout());
            }
            ocsp.serve(s.certificates());
        } else if (ocsp != null) {
            ocsp.close();
            ocsp = null;
        }
    }

    /** The OCSP response to staple on a handshake that uses {@code ctx}, or null. Called on event loops: reads only. */
    byte[] stapleFor(SslContext ctx) {
        String fingerprint = state.stapled().get(ctx);
        OcspStapling o = ocsp;
        return fingerprint == null || o == null ? null : o.staple(fingerprint);
    }

    /**
     * Starts a new session-ticket key period (OpenSSL; the JDK rotates its own keys hourly): new tickets
     * are encrypted under a fresh key, tickets of the previous period still resume, older ones do not.
     * Runs by itself once per session_timeout (at least a minute) when a handshake arrives, so a stolen
     * ticket key cannot open sessions from long ago.
     */
    void rotateTicketKeys() {
        OpenSslSessionTicketKey[] keys = {newTicketKey(), ticketKeys[0]};
        ticketKeys = keys;
        for (SniTable.Entry e : state.table().entries()) {
            if (e.context().sessionContext() instanceof OpenSslSessionContext open) {
                open.setTicketKeys(keys);
            }
        }
    }

    private void maybeRotateTicketKeys(State s) {
        long now = System.nanoTime();
        long due = nextRotation.get();
        if (now - due >= 0 && nextRotation.compareAndSet(due, now + rotationPeriod(s.cfg()))) {
            rotateTicketKeys();
        }
    }

    private static long rotationPeriod(TlsConfig cfg) {
        return Math.max(cfg.sessionTimeout().toNanos(), TimeUnit.MINUTES.toNanos(1));
    }

    /** "OpenSSL" or "JDK". */
    public String provider() {
        return TlsProviders.name(state.provider());
    }

    /** Warnings of the current certificates (expired, expiring soon, a name claimed twice...), with file names. */
    public List<String> warnings() {
        return state.warnings();
    }

    /** The certificates being served, in file order. */
    public List<ServedCertificate> certificates() {
        return state.certificates();
    }

    /** How many served certificates are expired or not yet valid (served because allow_expired is true). */
    public int outOfDateCertificates() {
        return state.outOfDate();
    }

    /** When the first served certificate expires, for an expiry metric and alert. */
    public Instant earliestExpiry() {
        return state.certificates().stream().map(ServedCertificate::notAfter).min(Comparator.naturalOrder())
                .orElseThrow();
    }

    /**
     * One line per served certificate, for {@code palisade check} and the startup log:
     * {@code certs/a.crt: a.example, www.a.example (EC, key certs/a.key, expires 2027-02-01T00:00:00Z)}.
     */
    public List<String> summary() {
        List<String> out = new ArrayList<>();
        for (ServedCertificate c : state.certificates()) {
            List<String> names = new ArrayList<>(c.names());
            names.addAll(CertNames.ipAddresses(c.leaf()));
            out.add(c.certFile() + ": " + (names.isEmpty() ? c.subject() : String.join(", ", names)) + " ("
                    + c.key().getAlgorithm() + (c.keyFile().equals(c.certFile()) ? "" : ", key " + c.keyFile())
                    + ", expires " + c.notAfter() + (c.inDate() ? "" : ", OUT OF DATE") + ")");
        }
        return out;
    }

    public TlsConfig config() {
        return state.cfg();
    }

    public TlsCounters counters() {
        return counters;
    }

    /** The certificate a handshake for {@code host} gets now (the default for an unknown name); null when refused. */
    public ServedCertificate certificateFor(String host) {
        SniTable.Entry e = entryFor(host);
        return e == null ? null : e.certificate();
    }

    /** Whether a certificate served now names {@code host} (exactly or by a wildcard); the default certificate does not count. */
    public boolean covers(String host) {
        return host != null && !host.isEmpty() && state.table().find(CertNames.normalize(host)) != null;
    }

    /** The context a handshake for {@code host} would use now (null: refused); for tests. */
    SslContext contextFor(String host) {
        SniTable.Entry e = entryFor(host);
        return e == null ? null : e.context();
    }

    private SniTable.Entry entryFor(String host) {
        State s = state;
        SniTable.Entry e = s.table().find(host == null ? null : CertNames.normalize(host));
        return e != null ? e : s.cfg().strictSni() ? null : s.table().fallback();
    }

    private Future<SslContext> select(String host, Promise<SslContext> promise) {
        State s = state;
        if (s.provider() != SslProvider.JDK) {
            maybeRotateTicketKeys(s);
        }
        SniTable.Entry e = s.table().find(host);
        if (e == null) {
            if (s.cfg().strictSni()) {
                return promise.setFailure(new SniRefusedException(host == null
                        ? "no SNI name sent (strict_sni)" : "no certificate for '" + host + "' (strict_sni)"));
            }
            e = s.table().fallback();
        }
        return promise.setSuccess(e.context());
    }

    private State build(TlsConfig cfg) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        String where = cfg.certs().toString();
        SslProvider provider;
        try {
            provider = TlsProviders.choose(cfg.provider());
        } catch (SSLException e) {
            throw new ConfigException(List.of(new ConfigProblem(where, 0, "provider", e.getMessage())));
        }
        List<X509Certificate> clientCas = clientCas(cfg, problems);
        CertificateLoader.Loaded loaded = null;
        try {
            loaded = CertificateLoader.load(cfg, new KeyPassword(cfg, environment), clock);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        if (loaded == null || !problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        List<ConfigProblem> warnings = new ArrayList<>(loaded.warnings());
        if (cfg.strictSni() && !cfg.defaultHost().isEmpty()) {
            warnings.add(new ConfigProblem(where, 0, "default_host", "has no effect with strict_sni: true "
                    + "(clients without SNI are refused)"));
        }
        ServerContexts contexts = new ServerContexts(cfg, provider, clientCas, ticketKeys);
        List<SniTable.Entry> entries = new ArrayList<>();
        for (ServedCertificate c : loaded.certificates()) {
            try {
                entries.add(new SniTable.Entry(c, contexts.build(c)));
            } catch (SSLException | RuntimeException e) {
                problems.add(PemFile.problem(c.certFile().toString(), "cannot build a TLS context for "
                        + CertNames.describe(c.leaf()) + ": " + PemFile.reason(e)));
            }
        }
        SniTable table = problems.isEmpty() ? SniTable.build(entries, cfg.defaultHost(), where, warnings, problems) : null;
        if (table == null || !problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        Map<SslContext, String> stapled = stapling(cfg, provider, entries, where, warnings, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        List<String> w = warnings.stream().map(ConfigProblem::toString).toList();
        return new State(cfg, provider, table, loaded.certificates(), w, loaded.outOfDate(), stapled);
    }

    /**
     * The contexts whose certificates get OCSP staples. Only OpenSSL staples: the JDK's server fetches the
     * response inside the handshake (blocking the event loop up to its timeout), so provider: jdk with
     * ocsp_stapling is refused, and an automatic fallback to the JDK is warned about.
     */
    private static Map<SslContext, String> stapling(TlsConfig cfg, SslProvider provider, List<SniTable.Entry> entries,
                                                    String where, List<ConfigProblem> warnings, List<ConfigProblem> problems) {
        if (!cfg.ocspStapling()) {
            return Map.of();
        }
        if (provider == SslProvider.JDK) {
            ConfigProblem p = new ConfigProblem(where, 0, "ocsp_stapling", cfg.provider() == TlsConfig.Provider.JDK
                    ? "needs the OpenSSL provider (expected: provider: auto or openssl; the JDK provider would fetch "
                            + "the OCSP response inside each handshake)"
                    : "OpenSSL is not available here, and the JDK provider that runs instead does not staple: "
                            + "certificates are served without OCSP staples");
            (cfg.provider() == TlsConfig.Provider.JDK ? problems : warnings).add(p);
            return Map.of();
        }
        Map<SslContext, String> out = new IdentityHashMap<>();
        Set<ServedCertificate> warned = new HashSet<>();
        for (SniTable.Entry e : entries) {
            String why = OcspStapling.unstapleable(e.certificate());
            if (why != null) {
                if (warned.add(e.certificate())) {
                    warnings.add(PemFile.problem(e.certificate().certFile().toString(), why));
                }
            } else {
                out.put(e.context(), CertNames.fingerprint(e.certificate().leaf()));
            }
        }
        return out.isEmpty() ? Map.of() : Collections.unmodifiableMap(out);
    }

    private static List<X509Certificate> clientCas(TlsConfig cfg, List<ConfigProblem> problems) {
        if (cfg.clientAuth() == TlsConfig.ClientAuth.NONE) {
            return List.of();
        }
        int before = problems.size();
        PemFile pem = PemFile.read(cfg.clientCa(), new KeyPassword(cfg, n -> null), problems);
        if (problems.size() == before && pem.certificates().isEmpty()) {
            problems.add(new ConfigProblem(cfg.clientCa().toString(), 0, "client_ca",
                    "no CA certificate in the file (expected: PEM certificates of the CAs that sign client certificates)"));
        }
        return pem.certificates();
    }

    private void logState(String what) {
        State s = state;
        List<String> described = new ArrayList<>();
        for (ServedCertificate c : s.certificates()) {
            described.add(c.certFile().getFileName() + " " + c.names());
        }
        log.info("{} on {}: provider {}, {} certificate(s): {}", what, listener, TlsProviders.name(s.provider()),
                s.certificates().size(), String.join("; ", described));
        for (String w : s.warnings()) {
            log.warn("TLS on {}: {}", listener, w);
        }
    }

    private static OpenSslSessionTicketKey newTicketKey() {
        byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
        byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
        byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
        RANDOM.nextBytes(name);
        RANDOM.nextBytes(hmac);
        RANDOM.nextBytes(aes);
        return new OpenSslSessionTicketKey(name, hmac, aes);
    }
}
