package dev.palisade.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A located view of one YAML node. Reading a key marks it used; {@link #finish} reports every key that
 * was not read as unknown. Problems are collected, not thrown, so one run reports all of them; a
 * getter that meets a bad value records the problem and returns the fallback.
 */
public final class ConfigNode {

    private final Node node;
    private final String path;
    private final List<ConfigProblem> problems;
    private final String file;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> used = new LinkedHashSet<>();

    ConfigNode(Node node, String path, String file, List<ConfigProblem> problems) {
        this.node = node;
        this.path = path;
        this.file = file;
        this.problems = problems;
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    if (entries.put(k.getValue(), t) != null) {
                        problem(t.getKeyNode(), child(k.getValue()), "duplicate key");
                    }
                } else {
                    problem(t.getKeyNode(), path, "keys must be plain names");
                }
            }
        }
    }

    public String path() {
        return path;
    }

    public int line() {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    public boolean isSequence() {
        return node instanceof SequenceNode;
    }

    /** The scalar text of this node, or null when it is not a scalar. */
    public String text() {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public Set<String> keys() {
        used.addAll(entries.keySet());
        return entries.keySet();
    }

    /** The child under {@code key}, or null when absent. */
    public ConfigNode get(String key) {
        NodeTuple t = entries.get(key);
        used.add(key);
        return t == null ? null : new ConfigNode(t.getValueNode(), child(key), file, problems);
    }

    /** The items of a sequence node; a single scalar counts as a one-item list. */
    public List<ConfigNode> items() {
        List<ConfigNode> out = new ArrayList<>();
        if (node instanceof SequenceNode s) {
            int i = 0;
            for (Node n : s.getValue()) {
                out.add(new ConfigNode(n, path + "[" + i++ + "]", file, problems));
            }
        } else if (node instanceof ScalarNode) {
            out.add(this);
        } else if (node != null) {
            problem("expected a list");
        }
        return out;
    }

    public String string(String key, String fallback) {
        ConfigNode c = get(key);
        if (c == null) {
            return fallback;
        }
        if (!c.isScalar()) {
            c.problem("expected a single value");
            return fallback;
        }
        return c.text();
    }

    public String requiredString(String key) {
        ConfigNode c = get(key);
        if (c == null) {
            problem(child(key), "missing (required)");
            return null;
        }
        return string(key, null);
    }

    public List<String> strings(String key) {
        ConfigNode c = get(key);
        List<String> out = new ArrayList<>();
        if (c != null) {
            for (ConfigNode item : c.items()) {
                if (item.isScalar()) {
                    out.add(item.text());
                } else {
                    item.problem("expected a single value");
                }
            }
        }
        return out;
    }

    public boolean bool(String key, boolean fallback) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        switch (s) {
            case "true": case "yes": case "on": return true;
            case "false": case "no": case "off": return false;
            default:
                problem(get(key), "'" + s + "' (expected: true or false)");
                return fallback;
        }
    }

    public long number(String key, long min, long max, long fallback) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(s.replace("_", ""));
            if (v < min || v > max) {
                problem(get(key), v + " (expected: " + min + ".." + max + ")");
                return fallback;
            }
            return v;
        } catch (NumberFormatException e) {
            problem(get(key), "'" + s + "' (expected: a whole number)");
            return fallback;
        }
    }

    /** A byte size: {@code 8192}, {@code 16k}, {@code 10m}, {@code 1g}. */
    public long size(String key, long min, long max, long fallback) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        long mult = 1;
        if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g")) {
            mult = t.endsWith("k") ? 1024 : t.endsWith("m") ? 1024 * 1024 : 1024L * 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Math.multiplyExact(Long.parseLong(t), mult);
            if (v < min || v > max) {
                problem(get(key), s + " (expected: " + min + ".." + max + " bytes)");
                return fallback;
            }
            return v;
        } catch (NumberFormatException | ArithmeticException e) {
            problem(get(key), "'" + s + "' (expected: a size such as 8192, 16k or 10m)");
            return fallback;
        }
    }

    public Duration duration(String key, Duration fallback) {
        return parsed(key, Durations::parse, fallback);
    }

    /** Parses a scalar with {@code parser}; an IllegalArgumentException becomes a located problem. */
    public <T> T parsed(String key, Function<String, T> parser, T fallback) {
        String s = string(key, null);
        if (s == null) {
            return fallback;
        }
        return get(key).as(parser, fallback);
    }

    /** Parses this scalar node with {@code parser}; an IllegalArgumentException becomes a located problem. */
    public <T> T as(Function<String, T> parser, T fallback) {
        if (!isScalar()) {
            problem("expected a single value");
            return fallback;
        }
        try {
            return parser.apply(text());
        } catch (IllegalArgumentException e) {
            problem(e.getMessage());
            return fallback;
        }
    }

    /** Builds a record from this node; a constructor's IllegalArgumentException becomes a located problem. */
    public <T> T build(java.util.function.Supplier<T> constructor, T fallback) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            problem(e.getMessage());
            return fallback;
        }
    }

    /** Reports every key of this mapping that no getter asked for. */
    public void finish() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!used.contains(e.getKey())) {
                problem(e.getValue().getKeyNode(), child(e.getKey()), "unknown key");
            }
        }
    }

    public void problem(String message) {
        problem(node, path, message);
    }

    private void problem(ConfigNode at, String message) {
        if (at == null) {
            problem(message);
        } else {
            at.problem(message);
        }
    }

    private void problem(String key, String message) {
        problems.add(new ConfigProblem(file, line(), key, message));
    }

    private void problem(Node at, String key, String message) {
        int line = at == null ? 0 : at.getStartMark().getLine() + 1;
        problems.add(new ConfigProblem(file, line, key, message));
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
