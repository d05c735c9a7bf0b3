package dev.palisade.rules;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.RulesConfig;
import dev.palisade.rules.parse.RuleParser;

/**
 * Loads {@code *.rules} files into a {@link RuleSet}. Every problem in every file is collected and
 * reported together; the set is built only when there are none. Blocking file I/O: call it at startup
 * or on a reload thread, never on an event loop.
 */
public final class RuleLoader {

    /** A rule file larger than this is refused rather than parsed. */
    static final long MAX_FILE = 8L * 1024 * 1024;

    private RuleLoader() {
    }

    /**
     * Loads {@code cfg.dir()/*.rules} in file-name order. An absent directory gives an empty rule set;
     * an unreadable file, a syntax error, an unknown name, a bad regex, a missing list file or a
     * duplicate rule id gives a ConfigException naming every problem with its file, line and column.
     */
    public static RuleSet load(RulesConfig cfg) throws ConfigException {
        Path dir = cfg.dir();
        if (!Files.exists(dir)) {
            return RuleSet.EMPTY;
        }
        if (!Files.isDirectory(dir)) {
            throw ConfigException.of(dir.toString(), "rules dir is not a directory");
        }
        return load(files(dir));
    }

    /** The {@code *.rules} files of {@code dir}, sorted by file name. */
    public static List<Path> files(Path dir) throws ConfigException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.rules")) {
            for (Path p : ds) {
                files.add(p);
            }
        } catch (IOException e) {
            throw ConfigException.of(dir.toString(), "cannot list the rules dir: " + e.getMessage());
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return files;
    }

    /** Loads the given files, in the given order. */
    public static RuleSet load(List<Path> files) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        List<Rule> rules = collect(files, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new RuleSet(rules);
    }

    /** Parses rule text that is not in a file (tests, tools); list files resolve against the working directory. */
    public static RuleSet parse(String fileName, String text) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        List<Rule> rules = RuleParser.parse(fileName, text, null, problems);
        checkIds(rules, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new RuleSet(rules);
    }

    /** Parses every file, adding every problem to {@code problems}; returns the rules that parsed. */
    static List<Rule> collect(List<Path> files, List<ConfigProblem> problems) {
        List<Rule> rules = new ArrayList<>();
        for (Path f : files) {
            String name = f.toString();
            String text;
            try {
                if (Files.size(f) > MAX_FILE) {
                    problems.add(new ConfigProblem(name, 0, "", "file larger than " + MAX_FILE + " bytes"));
                    continue;
                }
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(f))).toString();
            } catch (CharacterCodingException e) {
                problems.add(new ConfigProblem(name, 0, "", "not valid UTF-8"));
                continue;
            } catch (IOException e) {
                problems.add(new ConfigProblem(name, 0, "", "cannot read: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage())));
                continue;
            }
            Path base = f.toAbsolutePath().getParent();
            rules.addAll(RuleParser.parse(name, text, base, problems));
        }
        checkIds(rules, problems);
        return rules;
    }

    private static void checkIds(List<Rule> rules, List<ConfigProblem> problems) {
        Map<String, Rule> seen = new HashMap<>();
        List<Rule> dups = new ArrayList<>();
        for (Rule r : rules) {
            Rule first = seen.putIfAbsent(r.id(), r);
            if (first != null) {
                problems.add(new ConfigProblem(r.file(), r.line(), "column 6", "duplicate rule id " + r.id()
                        + " (first defined at " + first.file() + ":" + first.line() + ")"));
                dups.add(r);
            }
        }
        rules.removeAll(dups);
    }
}
