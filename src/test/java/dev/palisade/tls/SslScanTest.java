package dev.palisade.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.palisade.config.TlsConfig;
import dev.palisade.config.TlsConfig.Provider;
import dev.palisade.testing.DebianTool;
import dev.palisade.tls.TestPki.KeyType;

/**
 * Runs sslscan (Debian package {@code sslscan}, installed by the test when missing; skipped only when that fails) against a listener with
 * an RSA and an EC certificate, and fails on any protocol below TLS 1.2, any suite that is not ECDHE with
 * AEAD (or a TLS 1.3 suite), compression, insecure renegotiation or Heartbleed.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SslScanTest {

    private static final Path SSLSCAN = Path.of("/usr/bin/sslscan");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Provider.class, names = {"OPENSSL", "JDK"})
    void onlyModernProtocolsAndForwardSecretAeadSuites(Provider p) throws Exception {
        assumeTrue(DebianTool.ensure("sslscan", SSLSCAN), "sslscan is not installed and could not be installed");
        if (p == Provider.OPENSSL) {
            assumeTrue(TlsProviders.openSslProblem() == null, "OpenSSL is not usable here");
        }
        TestPki.Issued ca = TestPki.ca("Scan CA");
        TestPki.serve(dir, ca, KeyType.RSA, "rsa.example");
        TestPki.serve(dir, ca, KeyType.EC, "ec.example");
        TlsTerminator t = TlsTerminator.create("scan", TlsConfig.builder(dir).provider(p).build());
        try (TlsTestNet net = new TlsTestNet()) {
            int port = net.serve(t);
            for (String host : List.of("rsa.example", "ec.example")) {
                check(scan(port, host), host);
            }
        }
    }

    private static Document scan(int port, String sni) throws Exception {
        Process proc = new ProcessBuilder(SSLSCAN.toString(), "--no-colour", "--xml=-", "--sni-name=" + sni,
                "127.0.0.1:" + port).redirectErrorStream(false).start();
        proc.getOutputStream().close();
        byte[] out = proc.getInputStream().readAllBytes();
        assertTrue(proc.waitFor(120, TimeUnit.SECONDS), "sslscan finished");
        String xml = new String(out, StandardCharsets.UTF_8);
        int start = xml.indexOf("<?xml");
        assertTrue(start >= 0, "sslscan wrote XML: " + xml);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.substring(start).getBytes(StandardCharsets.UTF_8)));
    }

    private static void check(Document d, String host) {
        List<String> enabled = new ArrayList<>();
        for (Element e : elements(d, "protocol")) {
            if ("1".equals(e.getAttribute("enabled"))) {
                enabled.add(e.getAttribute("type") + e.getAttribute("version"));
            }
        }
        assertEquals(List.of("tls1.2", "tls1.3"), enabled.stream().sorted().toList(), host + ": protocols");

        List<String> ciphers = new ArrayList<>();
        for (Element e : elements(d, "cipher")) {
            String c = e.getAttribute("cipher");
            ciphers.add(c);
            boolean tls13 = c.startsWith("TLS_AES_") || c.startsWith("TLS_CHACHA20_");
            boolean ecdheAead = c.startsWith("ECDHE-") && (c.contains("GCM") || c.contains("CHACHA20"));
            assertTrue(tls13 || ecdheAead, host + ": suite " + c + " is not forward-secret AEAD");
        }
        assertTrue(!ciphers.isEmpty(), host + ": some suites accepted");

        for (Element e : elements(d, "heartbleed")) {
            assertEquals("0", e.getAttribute("vulnerable"), host + ": heartbleed");
        }
        for (Element e : elements(d, "compression")) {
            assertEquals("0", e.getAttribute("supported"), host + ": TLS compression");
        }
        for (Element e : elements(d, "renegotiation")) {
            assertTrue("0".equals(e.getAttribute("supported")) || "1".equals(e.getAttribute("secure")),
                    host + ": insecure renegotiation");
        }
    }

    private static List<Element> elements(Document d, String tag) {
        NodeList nl = d.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nl.getLength(); i++) {
            out.add((Element) nl.item(i));
        }
        return out;
    }
}
