package dev.palisade.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The host names a server certificate answers for: its SAN DNS entries (wildcards as {@code *.example.com}),
 * or its subject CN when it has no SAN at all, as browsers did before SAN was required.
 */
final class CertNames {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private CertNames() {
    }

    static List<String> dnsNames(X509Certificate c) {
        List<String> out = new ArrayList<>();
        boolean anySan = false;
        for (List<?> entry : sans(c)) {
            anySan = true;
            if (entry.size() >= 2 && entry.get(0) instanceof Integer type && type == SAN_DNS
                    && entry.get(1) instanceof String name) {
                String n = normalize(name);
                if (!n.isEmpty() && !out.contains(n)) {
                    out.add(n);
                }
            }
        }
        if (!anySan) {
            String cn = commonName(c);
            if (!cn.isEmpty() && cn.indexOf(' ') < 0) {
                out.add(normalize(cn));
            }
        }
        return out;
    }

    static List<String> ipAddresses(X509Certificate c) {
        List<String> out = new ArrayList<>();
        for (List<?> entry : sans(c)) {
            if (entry.size() >= 2 && entry.get(0) instanceof Integer type && type == SAN_IP
                    && entry.get(1) instanceof String ip) {
                out.add(ip);
            }
        }
        return out;
    }

    /** The subject's common name, or empty. */
    static String commonName(X509Certificate c) {
        try {
            LdapName dn = new LdapName(c.getSubjectX500Principal().getName());
            for (Rdn rdn : dn.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return "";
        }
        return "";
    }

    /** A short description for messages: "CN=a.example (a.example, *.a.example)". */
    static String describe(X509Certificate c) {
        List<String> names = new ArrayList<>(dnsNames(c));
        names.addAll(ipAddresses(c));
        String subject = c.getSubjectX500Principal().getName();
        return names.isEmpty() ? subject : subject + " (" + String.join(", ", names) + ")";
    }

    /** The SHA-256 fingerprint of the certificate, lowercase hex without colons; empty if it cannot be encoded. */
    static String fingerprint(X509Certificate c) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
            StringBuilder out = new StringBuilder(d.length * 2);
            for (byte b : d) {
                out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return out.toString();
        } catch (java.security.NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
            return "";
        }
    }

    static boolean isCa(X509Certificate c) {
        return c.getBasicConstraints() >= 0;
    }

    static boolean isSelfIssued(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
    }

    /** Lowercase, without a trailing dot. */
    static String normalize(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** Whether {@code name} is a wildcard Palisade serves: {@code *.} followed by at least two labels. */
    static boolean isWildcard(String name) {
        return name.startsWith("*.") && name.indexOf('.', 2) > 0 && name.indexOf('*', 1) < 0;
    }

    private static Collection<List<?>> sans(X509Certificate c) {
        try {
            Collection<List<?>> s = c.getSubjectAlternativeNames();
            return s == null ? List.of() : s;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
