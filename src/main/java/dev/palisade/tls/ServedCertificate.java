package dev.palisade.tls;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A certificate chain with its private key, ready to serve.
 *
 * @param certFile the file the chain came from
 * @param keyFile  the file the key came from (may be the same file)
 * @param key      the private key
 * @param chain    the server certificate first, then each issuer (completed from other files when needed)
 * @param names    the DNS names it answers for, wildcards included
 * @param inDate   whether every certificate in the chain is within its validity dates now
 */
public record ServedCertificate(Path certFile, Path keyFile, PrivateKey key, List<X509Certificate> chain,
                                List<String> names, boolean inDate) {

    public ServedCertificate {
        chain = List.copyOf(chain);
        names = List.copyOf(names);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    public String subject() {
        return leaf().getSubjectX500Principal().getName();
    }

    @Override
    public String toString() {
        return certFile + ": " + CertNames.describe(leaf());
    }
}
