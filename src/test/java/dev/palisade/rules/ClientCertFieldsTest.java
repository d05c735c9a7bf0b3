package dev.palisade.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import dev.palisade.config.ConfigException;
import dev.palisade.pipeline.ClientCertificate;
import dev.palisade.pipeline.ClientInfo;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Verdict;

/** The client certificate's facts as rule fields: client_cert_subject, _issuer, _fingerprint, _verified. */
class ClientCertFieldsTest {

    private static final String RULES = """
            rule 9001 "Admin needs the admin client certificate"
              when path prefix "/admin" and not (client_cert_verified equals "true"
                   and client_cert_subject equals "CN=admin.clients,O=Example")
              then block status 403
            rule 9002 "A revoked certificate, by fingerprint"
              when client_cert_fingerprint equals "00ff"
              then block
            rule 9003 "Only our CA"
              when client_cert_verified equals "true" and not client_cert_issuer suffix "O=Example"
              then block status 421
            """;

    private static Exchange request(String line, ClientCertificate cert) throws Exception {
        Exchange plain = TestRequest.parse(line).exchange();
        ClientInfo client = new ClientInfo(InetAddress.getByName("192.0.2.7"), 40000, "https", "TLSv1.3", "shop.example", cert);
        return new Exchange("r1", plain.request(), client, System.nanoTime());
    }

    private static Verdict run(String line, ClientCertificate cert) throws Exception {
        return RuleEngineStageTest.run(RULES, RuleEngineStageTest.BLOCK, request(line, cert));
    }

    @Test
    void rulesMatchTheCertificatesFacts() throws Exception {
        ClientCertificate admin = new ClientCertificate("CN=admin.clients,O=Example", "CN=Clients CA,O=Example", "ab12", true);
        ClientCertificate user = new ClientCertificate("CN=user.clients,O=Example", "CN=Clients CA,O=Example", "cd34", true);
        ClientCertificate revoked = new ClientCertificate("CN=old,O=Example", "CN=Clients CA,O=Example", "00ff", true);
        ClientCertificate foreign = new ClientCertificate("CN=x", "CN=Elsewhere", "ee", true);
        assertSame(Verdict.CONTINUE, run("GET /admin/users", admin));
        assertEquals(403, assertInstanceOf(Verdict.Respond.class, run("GET /admin/users", user)).status());
        assertEquals(403, assertInstanceOf(Verdict.Respond.class, run("GET /admin/users", ClientCertificate.NONE)).status());
        assertSame(Verdict.CONTINUE, run("GET /shop", ClientCertificate.NONE));
        assertSame(Verdict.CONTINUE, run("GET /shop", user));
        assertInstanceOf(Verdict.Respond.class, run("GET /shop", revoked));
        assertEquals(421, assertInstanceOf(Verdict.Respond.class, run("GET /shop", foreign)).status());
    }

    @Test
    void theFactsAreEmptyWithoutACertificate() {
        assertEquals("", ClientCertificate.NONE.fact("subject"));
        assertEquals("false", ClientCertificate.NONE.fact("verified"));
        assertThrows(IllegalArgumentException.class, () -> ClientCertificate.NONE.fact("serial"));
    }

    @Test
    void aMisspelledFieldIsALoadError() {
        ConfigException e = assertThrows(ConfigException.class, () -> RuleLoader.parse("t.rules",
                "rule 1 \"x\"\n  when client_cert_subjct equals \"CN=a\"\n  then block\n"));
        assertTrue(e.getMessage().contains("t.rules:2") && e.getMessage().contains("unknown field 'client_cert_subjct'"),
                e.getMessage());
    }
}
