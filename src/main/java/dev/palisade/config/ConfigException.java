package dev.palisade.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a config file is invalid; carries every problem found, not only the first. */
public final class ConfigException extends Exception {

    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public static ConfigException of(String file, String message) {
        return new ConfigException(List.of(new ConfigProblem(file, 0, "", message)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
