package dev.palisade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class CommandsTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void checkReportsEveryProblemWithFileAndLine(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("palisade.yaml");
        Files.writeString(cfg, "listeners:\n  - bind: 127.0.0.1:80x\norigins:\n  app:\n    servers: [a:1]\ntimeouts:\n  connect: soon\n");
        Run r = run("check", "--config", cfg.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(cfg + ":2: listeners[0].bind:"), r.err());
        assertTrue(r.err().contains(cfg + ":7: timeouts.connect:"), r.err());
        assertTrue(!r.err().contains("Exception"), "no stack trace: " + r.err());
    }

    @Test
    void checkAcceptsAGoodFile(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("p.yaml");
        Files.writeString(cfg, "listeners:\n  - bind: 127.0.0.1:8080\norigins:\n  app:\n    servers: [127.0.0.1:9000]\n");
        Run r = run("check", "-c", cfg.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ok"));
    }

    @Test
    void checkWarnsAboutOriginTlsWithoutVerification(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("p.yaml");
        Files.writeString(cfg, "listeners:\n  - bind: 127.0.0.1:8080\norigins:\n  app:\n    servers: [127.0.0.1:9443]\n"
                + "    tls:\n      insecure_skip_verify: true\n");
        Run r = run("check", "-c", cfg.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains(cfg + ": warning: origins.app.tls.insecure_skip_verify: true"), r.err());
        Files.writeString(cfg, "listeners:\n  - bind: 127.0.0.1:8080\norigins:\n  app:\n    servers: [127.0.0.1:9443]\n"
                + "    tls: true\n");
        Run verified = run("check", "-c", cfg.toString());
        assertEquals(0, verified.code(), verified.err());
        assertTrue(!verified.err().contains("warning"), verified.err());
    }

    @Test
    void runWithBadArgumentsIsAClearError() {
        Run r = run("run", "--listen", "127.0.0.1:0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--listen and --to go together"), r.err());
        Run bad = run("run", "--listen", "nowhere", "--to", "127.0.0.1:1");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("host:port"), bad.err());
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, run("--version").code());
        Run h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("run") && h.out().contains("check"));
    }

    @Test
    void checkReportsCertificateProblemsByFile(@TempDir Path dir) throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        Files.writeString(certs.resolve("broken.pem"), "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        Path cfg = dir.resolve("palisade.yaml");
        Files.writeString(cfg, "listeners:\n  - name: tls\n    bind: 127.0.0.1:8443\n    tls:\n      certs: certs\n"
                + "origins:\n  app:\n    servers: [127.0.0.1:9000]\n");
        Run r = run("check", "--config", cfg.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("broken.pem"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void selfSignedCertificatesAreWrittenAndAccepted(@TempDir Path dir) throws Exception {
        Run made = run("certs", "self-signed", "--host", "a.example", "--host", "127.0.0.1", "--dir", dir.resolve("certs").toString());
        assertEquals(0, made.code(), made.err());
        assertTrue(made.out().contains("wrote"), made.out());
        Path cfg = dir.resolve("palisade.yaml");
        Files.writeString(cfg, "listeners:\n  - name: tls\n    bind: 127.0.0.1:8443\n    tls:\n      certs: certs\n"
                + "origins:\n  app:\n    servers: [127.0.0.1:9000]\n");
        Run ok = run("check", "--config", cfg.toString());
        assertEquals(0, ok.code(), ok.err());
    }

    @Test
    void rulesTestRunsTheCasesInRuleFiles(@TempDir Path dir) throws Exception {
        Run shipped = run("rules", "test", "rules");
        assertEquals(0, shipped.code(), shipped.out() + shipped.err());
        Path bad = dir.resolve("10-x.rules");
        Files.writeString(bad, "rule 9100 \"admin path\"\n  when path prefix \"/admin\"\n  then block\n"
                + "  test block: GET /public\n");
        Run failing = run("rules", "test", bad.toString());
        assertEquals(1, failing.code(), failing.out());
        assertTrue(failing.out().contains("10-x.rules:4"), failing.out());
        Run missing = run("rules", "test", dir.resolve("nope.rules").toString());
        assertEquals(2, missing.code());
    }

    @Test
    void theShippedExampleConfigPassesCheck() {
        Run r = run("check", "--config", "palisade.example.yaml");
        assertEquals(0, r.code(), r.err());
    }
}
