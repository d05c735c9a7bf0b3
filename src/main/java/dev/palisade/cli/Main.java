package dev.palisade.cli;

import java.io.IOException;

import org.slf4j.LoggerFactory;

import dev.palisade.config.ConfigException;
import dev.palisade.server.StartException;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar palisade.jar <command>}: the entry point. */
@Command(name = "palisade", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Security-focused edge reverse proxy and web application firewall.",
        subcommands = {RunCommand.class, CheckCommand.class, RulesCommand.class, CertsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // sampling allocations for leaks costs on every request; the test suite runs it at PARANOID
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        int code = commandLine().execute(args);
        if (code != 0 || args.length == 0 || !args[0].equals("run")) {
            System.exit(code);
        }
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof StartException || ex instanceof ConfigException || ex instanceof IOException) {
                cmd.getErr().println("palisade: " + ex.getMessage());
            } else {
                // a fault of Palisade itself, not of the configuration: the trace goes to the log for a report
                LoggerFactory.getLogger(Main.class).error("internal error", ex);
                cmd.getErr().println("palisade: internal error (" + ex.getClass().getSimpleName() + "), see the log above");
            }
            return 1;
        });
        return cl;
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"palisade " + (v == null ? "dev" : v)};
        }
    }
}
