package dev.palisade.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import dev.palisade.tls.SelfSignedCertificates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code palisade certs self-signed --host NAME...}: a key and certificate pair for testing. */
@Command(name = "certs", mixinStandardHelpOptions = true, description = "Certificate tools.",
        subcommands = CertsCommand.SelfSigned.class)
final class CertsCommand {

    @Command(name = "self-signed", mixinStandardHelpOptions = true,
            description = "Write an EC P-256 key (PKCS#8 PEM) and a self-signed certificate with the given names into a directory.")
    static final class SelfSigned implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--host", required = true, paramLabel = "NAME",
                description = "A DNS name or IP address for the certificate's SAN; repeat for more.")
        List<String> hosts;

        @Option(names = "--dir", defaultValue = "certs", paramLabel = "DIR", description = "Where to write (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--days", defaultValue = "90", paramLabel = "N", description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (days < 1 || days > 3650) {
                err.println("palisade: --days " + days + " (expected: 1..3650)");
                return 2;
            }
            try {
                for (Path p : SelfSignedCertificates.write(dir, hosts, Duration.ofDays(days))) {
                    out.println("wrote " + p);
                }
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                err.println("palisade: cannot write the certificate: " + e.getMessage());
                return 1;
            }
        }
    }
}
