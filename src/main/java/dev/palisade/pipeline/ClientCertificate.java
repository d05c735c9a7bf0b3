package dev.palisade.pipeline;

/**
 * The certificate a client presented in the TLS handshake (mutual TLS), as rules and logs see it. A
 * listener with {@code client_auth} checks the certificate against its {@code client_ca} during the
 * handshake and refuses the connection when it does not verify, so a certificate that is here was
 * verified; {@link #NONE} stands for "no certificate" (plain HTTP, or none asked for or sent).
 *
 * @param subject     the subject DN in RFC 2253 form ({@code CN=admin,O=Example}), or empty
 * @param issuer      the issuer DN in RFC 2253 form, or empty
 * @param fingerprint SHA-256 of the DER certificate, lowercase hex without colons, or empty
 * @param verified    whether a certificate was presented and verified against the listener's client CAs
 */
public record ClientCertificate(String subject, String issuer, String fingerprint, boolean verified) {

    public static final ClientCertificate NONE = new ClientCertificate("", "", "", false);

    public ClientCertificate {
        subject = subject == null ? "" : subject;
        issuer = issuer == null ? "" : issuer;
        fingerprint = fingerprint == null ? "" : fingerprint;
    }

    /** The value of the rule field {@code client_cert_NAME} (subject, issuer, fingerprint, verified: "true"/"false"). */
    public String fact(String name) {
        switch (name) {
            case "subject": return subject;
            case "issuer": return issuer;
            case "fingerprint": return fingerprint;
            case "verified": return verified ? "true" : "false";
            default: throw new IllegalArgumentException("client certificate fact: '" + name
                    + "' (expected: subject, issuer, fingerprint, verified)");
        }
    }
}
