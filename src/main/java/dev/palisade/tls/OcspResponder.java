package dev.palisade.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.X509ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Asks a certificate's OCSP responder (the URL in its Authority Information Access extension) for the
 * certificate's status and checks the answer before it may be stapled: signed by the issuer or by a
 * responder certificate the issuer signed for OCSP, about this very certificate, and current. Blocking;
 * {@link OcspStapling} calls it on its own thread, never on an event loop.
 */
final class OcspResponder {

    /** Real responses are one or two KiB; a responder that sends more is not read further. */
    static final int MAX_RESPONSE = 64 * 1024;
    /** Clock difference tolerated between the responder and this host. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    /** A checked response: the bytes to staple and until when they may be. */
    record Staple(byte[] der, Instant thisUpdate, Instant nextUpdate, boolean revoked) {
    }

    /** Why a response cannot be stapled (or could not be fetched), in words for the log. */
    static final class OcspProblem extends Exception {
        OcspProblem(String message) {
            super(message, null, false, false);
        }
    }

    private final HttpClient http;
    private final Duration timeout;

    OcspResponder(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The http:// OCSP URL of {@code cert}'s AIA extension, or null when it names none. */
    static URI ocspUrl(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (ext == null) {
            return null;
        }
        try {
            ASN1Primitive value = ASN1Primitive.fromByteArray(
                    org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets());
            for (AccessDescription d : AuthorityInformationAccess.getInstance(value).getAccessDescriptions()) {
                GeneralName where = d.getAccessLocation();
                if (d.getAccessMethod().equals(X509ObjectIdentifiers.id_ad_ocsp)
                        && where.getTagNo() == GeneralName.uniformResourceIdentifier) {
                    URI uri = URI.create(ASN1IA5String.getInstance(where.getName()).getString());
                    if ("http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
                        return uri;
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    /** Fetches and checks the status of {@code leaf}; {@code issuer} signed it. */
    Staple fetch(URI url, X509Certificate leaf, X509Certificate issuer, Instant now) throws OcspProblem {
        byte[] body;
        try {
            CertificateID id = certificateId(leaf, issuer);
            byte[] request = new OCSPReqBuilder().addRequest(id).build().getEncoded();
            HttpRequest post = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/ocsp-request")
                    .header("Accept", "application/ocsp-response")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build();
            HttpResponse<InputStream> r = http.send(post, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    throw new OcspProblem(url + " answered HTTP " + r.statusCode());
                }
                body = in.readNBytes(MAX_RESPONSE + 1);
            }
        } catch (java.net.http.HttpTimeoutException e) {
            throw new OcspProblem(url + " did not answer within " + timeout.toSeconds() + "s");
        } catch (java.net.ConnectException e) {
            throw new OcspProblem(url + " refused the connection (responder down?)");
        } catch (IOException e) {
            throw new OcspProblem(url + " did not answer: " + PemFile.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OcspProblem("interrupted");
        } catch (OCSPException | OperatorCreationException | java.security.cert.CertificateEncodingException e) {
            throw new OcspProblem("cannot build the OCSP request: " + PemFile.reason(e));
        }
        if (body.length > MAX_RESPONSE) {
            throw new OcspProblem(url + " sent more than " + MAX_RESPONSE + " bytes");
        }
        return check(body, leaf, issuer, now);
    }

    /** Checks a DER OCSPResponse for {@code leaf}: what may be stapled, or why not. */
    static Staple check(byte[] der, X509Certificate leaf, X509Certificate issuer, Instant now) throws OcspProblem {
        try {
            OCSPResp resp = new OCSPResp(der);
            if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
                throw new OcspProblem("the responder refused the request (OCSP status " + resp.getStatus() + ")");
            }
            if (!(resp.getResponseObject() instanceof BasicOCSPResp basic)) {
                throw new OcspProblem("not a basic OCSP response");
            }
            X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
            if (!signedByIssuer(basic, issuerHolder)) {
                throw new OcspProblem("the response is signed by neither the issuer nor a responder it authorised");
            }
            DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
            SingleResp mine = null;
            for (SingleResp s : basic.getResponses()) {
                CertificateID id = s.getCertID();
                if (id.getSerialNumber().equals(leaf.getSerialNumber()) && id.matchesIssuer(issuerHolder, digests)) {
                    mine = s;
                }
            }
            if (mine == null) {
                throw new OcspProblem("the response is about another certificate (none with serial "
                        + leaf.getSerialNumber().toString(16) + ")");
            }
            if (mine.getCertStatus() != null && !(mine.getCertStatus() instanceof RevokedStatus)) {
                throw new OcspProblem("the responder does not know the certificate (status unknown)");
            }
            Instant thisUpdate = mine.getThisUpdate().toInstant();
            Date next = mine.getNextUpdate();
            Instant nextUpdate = next == null ? null : next.toInstant();
            if (thisUpdate.isAfter(now.plus(SKEW))) {
                throw new OcspProblem("the response is dated in the future (thisUpdate " + thisUpdate + ")");
            }
            if (nextUpdate != null && !nextUpdate.isAfter(now)) {
                throw new OcspProblem("the response is out of date (nextUpdate " + nextUpdate + ")");
            }
            return new Staple(der.clone(), thisUpdate, nextUpdate, mine.getCertStatus() instanceof RevokedStatus);
        } catch (IOException | OCSPException | OperatorCreationException | RuntimeException
                 | java.security.cert.CertificateException e) {
            throw new OcspProblem("not a readable OCSP response: " + PemFile.reason(e));
        }
    }

    private static CertificateID certificateId(X509Certificate leaf, X509Certificate issuer)
            throws OperatorCreationException, OCSPException, java.security.cert.CertificateEncodingException {
        return new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                new JcaX509CertificateHolder(issuer), leaf.getSerialNumber());
    }

    /** The issuer signed the response itself, or signed the responder certificate included in it for OCSP signing. */
    private static boolean signedByIssuer(BasicOCSPResp basic, X509CertificateHolder issuer)
            throws OperatorCreationException, OCSPException, java.security.cert.CertificateException {
        JcaContentVerifierProviderBuilder verifiers = new JcaContentVerifierProviderBuilder();
        if (basic.isSignatureValid(verifiers.build(issuer))) {
            return true;
        }
        for (X509CertificateHolder responder : basic.getCerts()) {
            try {
                boolean delegated = responder.getIssuer().equals(issuer.getSubject())
                        && responder.isSignatureValid(verifiers.build(issuer))
                        && responder.isValidOn(new Date())
                        && responder.getExtensions() != null
                        && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions()) != null
                        && org.bouncycastle.asn1.x509.ExtendedKeyUsage.fromExtensions(responder.getExtensions())
                                .hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning);
                if (delegated && basic.isSignatureValid(verifiers.build(responder))) {
                    return true;
                }
            } catch (org.bouncycastle.cert.CertException e) {
                // a certificate in the response that does not verify authorises nothing
            }
        }
        return false;
    }
}
