package dev.palisade.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.palisade.config.ConfigException;
import dev.palisade.rules.RuleLoader;
import dev.palisade.rules.RuleTests;
import dev.palisade.rules.ShippedRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code palisade rules test [files or dirs]}: runs the test cases written inside rule files. */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Rule file tools.",
        subcommands = RulesCommand.Test.class)
final class RulesCommand {

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Run the 'test block:' and 'test pass:' cases written in rule files.",
                    "Without arguments: ./rules, or the rules shipped in the jar. Exit status 1 when any case fails."})
    static final class Test implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE|DIR", arity = "0..*", description = "Rule files, or directories of *.rules files.")
        List<Path> paths = new ArrayList<>();

        @Override
        public Integer call() {
            List<Path> files = new ArrayList<>();
            List<Path> given = new ArrayList<>(paths);
            if (given.isEmpty()) {
                Path local = Path.of("rules");
                Path dir = Files.isDirectory(local) ? local : ShippedRules.dir();
                if (dir == null) {
                    spec.commandLine().getErr().println("palisade: no rules directory here and none in the jar");
                    return 2;
                }
                given.add(dir);
            }
            try {
                for (Path p : given) {
                    if (Files.isDirectory(p)) {
                        files.addAll(RuleLoader.files(p));
                    } else if (Files.isRegularFile(p)) {
                        files.add(p);
                    } else {
                        spec.commandLine().getErr().println("palisade: " + p + ": no such file or directory");
                        return 2;
                    }
                }
            } catch (ConfigException e) {
                e.problems().forEach(spec.commandLine().getErr()::println);
                return 2;
            }
            PrintStream out = new PrintStream(new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    spec.commandLine().getOut().write(b);
                }

                @Override
                public void flush() {
                    spec.commandLine().getOut().flush();
                }
            }, true, java.nio.charset.StandardCharsets.UTF_8);
            int failures = RuleTests.run(files, out);
            out.flush();
            return failures == 0 ? 0 : 1;
        }
    }
}
