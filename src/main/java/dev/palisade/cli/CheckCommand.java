package dev.palisade.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.server.PalisadeServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code palisade check}: validates the config file like {@code nginx -t}; every problem, with file, line and key. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate the config file (and the rules and certificates it names); exit status 2 on any problem.")
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "palisade.yaml",
            description = "Config file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            PalisadeConfig cfg = ConfigLoader.load(config);
            PalisadeServer.validate(cfg);
            cfg.origins().forEach((name, group) -> {
                if (group.tls() != null && !group.tls().warning(name).isEmpty()) {
                    err.println(config + ": warning: " + group.tls().warning(name));
                }
            });
            out.println(config + ": ok (" + cfg.listeners().size() + " listener(s), " + cfg.effectiveRoutes().size()
                    + " route(s), " + cfg.origins().size() + " origin group(s))");
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            err.println(config + ": " + e.problems().size() + " problem(s)");
            return 2;
        }
    }
}
