package dev.palisade.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.TlsConfig;

/**
 * Reads {@code certs} (a directory or one PEM file) into servable certificates. Keys are paired with
 * certificates by public key, so file names do not matter; chains are checked for order and completed
 * from CA certificates found in other files. Every problem names its file and all are reported together.
 */
final class CertificateLoader {

    /** The file names read from a certs directory; anything else there is left alone. */
    static final Set<String> EXTENSIONS = Set.of("pem", "crt", "cer", "cert", "key");

    private static final Duration EXPIRY_WARNING = Duration.ofDays(14);
    private static final byte[] CHALLENGE = "palisade key match".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The outcome of a successful load: what to serve and what the operator should know. */
    record Loaded(List<ServedCertificate> certificates, List<ConfigProblem> warnings, int outOfDate) {
    }

    private CertificateLoader() {
    }

    static Loaded load(TlsConfig cfg, KeyPassword password, Clock clock) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        List<ConfigProblem> warnings = new ArrayList<>();
        List<Path> files = new ArrayList<>(files(cfg.certs(), problems));
        if (cfg.keyFile() != null && !files.contains(cfg.keyFile())) {
            files.add(cfg.keyFile());
        }
        List<PemFile> pems = new ArrayList<>();
        for (Path f : files) {
            pems.add(PemFile.read(f, password, problems));
        }
        password.clear();

        List<Chain> chains = new ArrayList<>();
        List<X509Certificate> caPool = new ArrayList<>();
        List<X509Certificate> rejected = new ArrayList<>();
        List<OwnedKey> keys = new ArrayList<>();
        for (PemFile pem : pems) {
            List<X509Certificate> certs = pem.certificates();
            if (!certs.isEmpty()) {
                // A file of CA certificates only is a bundle (or a self-signed server certificate made with
                // CA:TRUE, as openssl req -x509 does): no order is required unless a key pairs with it.
                boolean allCa = certs.stream().allMatch(CertNames::isCa);
                if (allCa || inOrder(pem.file(), certs, problems)) {
                    chains.add(new Chain(pem.file(), certs, allCa));
                    caPool.addAll(allCa ? certs : certs.subList(1, certs.size()));
                } else {
                    rejected.addAll(certs);
                }
            }
            for (PrivateKey k : pem.keys()) {
                keys.add(new OwnedKey(pem.file(), k));
            }
        }

        Map<Chain, OwnedKey> paired = new LinkedHashMap<>();
        for (OwnedKey k : keys) {
            if (!k.key().getAlgorithm().equals("RSA") && !k.key().getAlgorithm().equals("EC")) {
                problems.add(PemFile.problem(k.file().toString(), "private key type " + k.key().getAlgorithm()
                        + " is not supported (expected: RSA or EC)"));
                continue;
            }
            boolean any = false;
            for (Chain c : chains) {
                if (matches(k.key(), c.certs().get(0).getPublicKey())) {
                    any = true;
                    paired.putIfAbsent(c, k);
                }
            }
            boolean inRejectedFile = rejected.stream().anyMatch(c -> matches(k.key(), c.getPublicKey()));
            if (!any && !inRejectedFile) {
                problems.add(PemFile.problem(k.file().toString(), "private key (" + describe(k.key())
                        + ") matches no certificate in " + cfg.certs()));
            }
        }
        for (Chain c : chains) {
            if (paired.containsKey(c)) {
                if (c.allCa() && !inOrder(c.file(), c.certs(), problems)) {
                    paired.remove(c);
                }
            } else if (!c.allCa()) {
                problems.add(PemFile.problem(c.file().toString(), "certificate " + CertNames.describe(c.certs().get(0))
                        + " has no matching private key in " + cfg.certs()));
            }
        }

        List<ServedCertificate> served = new ArrayList<>();
        Instant now = clock.instant();
        int outOfDate = 0;
        for (Map.Entry<Chain, OwnedKey> e : paired.entrySet()) {
            Chain c = e.getKey();
            if (isShadowed(c, e.getValue(), paired)) {
                continue;
            }
            List<X509Certificate> chain = complete(c.certs(), caPool);
            String file = c.file().toString();
            boolean inDate = checkDates(file, chain, now, cfg.allowExpired(), warnings);
            if (!inDate) {
                outOfDate++;
            }
            warnIfOthersCanRead(e.getValue().file(), warnings);
            if (e.getValue().key() instanceof RSAPrivateKey rk && rk.getModulus().bitLength() < 2048) {
                warnings.add(PemFile.problem(e.getValue().file().toString(), "RSA key of " + rk.getModulus().bitLength()
                        + " bits (expected: 2048 or more)"));
            }
            List<String> names = CertNames.dnsNames(chain.get(0));
            for (String n : names) {
                if (n.contains("*") && !CertNames.isWildcard(n)) {
                    warnings.add(PemFile.problem(file, "name '" + n + "' is not served (expected: a wildcard only as "
                            + "the whole leftmost label, like *.example.com)"));
                }
            }
            if (inDate || cfg.allowExpired()) {
                served.add(new ServedCertificate(c.file(), e.getValue().file(), e.getValue().key(), chain, names, inDate));
            }
        }
        if (problems.isEmpty() && served.isEmpty() && !files.isEmpty()) {
            problems.addAll(warnings);
            problems.add(new ConfigProblem(cfg.certs().toString(), 0, "certs", "no certificate can be served "
                    + "(expected: a certificate chain within its validity dates with its private key, or allow_expired: true)"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Loaded(List.copyOf(served), List.copyOf(warnings), outOfDate);
    }

    /** The PEM files to read, sorted by name; reports a missing or empty certs location. */
    static List<Path> files(Path certs, List<ConfigProblem> problems) {
        String where = certs.toString();
        if (!Files.exists(certs)) {
            problems.add(new ConfigProblem(where, 0, "certs", "not found (expected: a directory of PEM certificates "
                    + "and keys, or one PEM file; palisade certs self-signed --host NAME writes one)"));
            return List.of();
        }
        if (!Files.isDirectory(certs)) {
            return List.of(certs);
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(certs)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                int dot = name.lastIndexOf('.');
                String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
                if (!name.startsWith(".") && EXTENSIONS.contains(ext) && Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            problems.add(new ConfigProblem(where, 0, "certs", "cannot list the directory: " + PemFile.reason(e)));
            return List.of();
        }
        if (out.isEmpty()) {
            problems.add(new ConfigProblem(where, 0, "certs", "no PEM files in the directory (expected: *.pem, *.crt "
                    + "or *.key files; palisade certs self-signed --host NAME writes one)"));
        }
        out.sort(null);
        return out;
    }

    private static void warnIfOthersCanRead(Path keyFile, List<ConfigProblem> warnings) {
        try {
            if (Files.getPosixFilePermissions(keyFile).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                warnings.add(PemFile.problem(keyFile.toString(), "private key readable by every user on this machine "
                        + "(expected: chmod 600 or 640)"));
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system, or gone since it was read: nothing to say
        }
    }

    /** Each certificate must be issued by the one after it: server certificate first, root last (or left out). */
    private static boolean inOrder(Path file, List<X509Certificate> certs, List<ConfigProblem> problems) {
        for (int i = 0; i + 1 < certs.size(); i++) {
            if (!issues(certs.get(i + 1), certs.get(i))) {
                problems.add(PemFile.problem(file.toString(), "certificate chain out of order: certificate " + (i + 2)
                        + " (" + certs.get(i + 1).getSubjectX500Principal().getName() + ") did not issue certificate "
                        + (i + 1) + " (" + certs.get(i).getSubjectX500Principal().getName()
                        + ") (expected: the server certificate first, then each issuer in turn)"));
                return false;
            }
        }
        return true;
    }

    static boolean issues(X509Certificate issuer, X509Certificate subject) {
        if (!issuer.getSubjectX500Principal().equals(subject.getIssuerX500Principal())) {
            return false;
        }
        try {
            subject.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Appends intermediates from other files until the chain ends at a self-issued certificate or no issuer is known. */
    private static List<X509Certificate> complete(List<X509Certificate> certs, List<X509Certificate> pool) {
        List<X509Certificate> chain = new ArrayList<>(certs);
        for (int guard = 0; guard < 8; guard++) {
            X509Certificate last = chain.get(chain.size() - 1);
            if (CertNames.isSelfIssued(last)) {
                break;
            }
            X509Certificate next = null;
            for (X509Certificate ca : pool) {
                if (!CertNames.isSelfIssued(ca) && !chain.contains(ca) && issues(ca, last)) {
                    next = ca;
                    break;
                }
            }
            if (next == null) {
                break;
            }
            chain.add(next);
        }
        return chain;
    }

    /** Another chain for the same key and leaf that is longer (certbot's fullchain.pem beside cert.pem) wins. */
    private static boolean isShadowed(Chain c, OwnedKey k, Map<Chain, OwnedKey> paired) {
        for (Map.Entry<Chain, OwnedKey> e : paired.entrySet()) {
            Chain o = e.getKey();
            if (o != c && e.getValue() == k && o.certs().get(0).equals(c.certs().get(0))) {
                if (o.certs().size() > c.certs().size()) {
                    return true;
                }
                if (o.certs().size() == c.certs().size() && o.file().compareTo(c.file()) < 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean checkDates(String file, List<X509Certificate> chain, Instant now, boolean allowed,
                                      List<ConfigProblem> warnings) {
        boolean ok = true;
        String consequence = allowed ? "served anyway because allow_expired is true"
                : "not served (set allow_expired: true to serve it anyway)";
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            String which = i == 0 ? "certificate " + CertNames.describe(c)
                    : "issuer certificate " + c.getSubjectX500Principal().getName();
            Instant from = c.getNotBefore().toInstant();
            Instant until = c.getNotAfter().toInstant();
            if (now.isAfter(until)) {
                warnings.add(PemFile.problem(file, which + " expired on " + until + "; " + consequence));
                ok = false;
            } else if (now.isBefore(from)) {
                warnings.add(PemFile.problem(file, which + " is not valid before " + from + "; " + consequence));
                ok = false;
            } else if (i == 0 && now.plus(EXPIRY_WARNING).isAfter(until)) {
                long days = Duration.between(now, until).toDays();
                warnings.add(PemFile.problem(file, which + " expires in " + days + " days, on " + until));
            }
        }
        return ok;
    }

    /** Whether {@code key} is the private half of {@code pub}. */
    static boolean matches(PrivateKey key, PublicKey pub) {
        if (key instanceof RSAPrivateKey rk && pub instanceof RSAPublicKey rp) {
            if (!rk.getModulus().equals(rp.getModulus())) {
                return false;
            }
            return !(rk instanceof RSAPrivateCrtKey crt) || crt.getPublicExponent().equals(rp.getPublicExponent());
        }
        if (key instanceof ECPrivateKey ek && pub instanceof ECPublicKey ep) {
            if (ek.getParams().getCurve().getField().getFieldSize() != ep.getParams().getCurve().getField().getFieldSize()
                    || !ek.getParams().getOrder().equals(ep.getParams().getOrder())) {
                return false;
            }
            try {
                Signature s = Signature.getInstance("SHA256withECDSA");
                s.initSign(ek);
                s.update(CHALLENGE);
                byte[] sig = s.sign();
                Signature v = Signature.getInstance("SHA256withECDSA");
                v.initVerify(ep);
                v.update(CHALLENGE);
                return v.verify(sig);
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
        return false;
    }

    static String describe(PrivateKey key) {
        if (key instanceof RSAPrivateKey rk) {
            return "RSA " + rk.getModulus().bitLength() + " bits";
        }
        if (key instanceof ECPrivateKey ek) {
            BigInteger order = ek.getParams().getOrder();
            return "EC " + order.bitLength() + " bits";
        }
        return key.getAlgorithm();
    }

    private record Chain(Path file, List<X509Certificate> certs, boolean allCa) {
        // identity semantics: two files with the same chain are different entries
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private record OwnedKey(Path file, PrivateKey key) {
    }
}
