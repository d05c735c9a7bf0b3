package dev.palisade.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads palisade.yaml into a {@link PalisadeConfig}. Every problem is collected with its file, line and
 * key, and all of them are thrown together in one {@link ConfigException}. Relative paths in the file
 * are resolved against the file's directory.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static PalisadeConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw ConfigException.of(file.toString(), "file not found");
        } catch (IOException e) {
            throw ConfigException.of(file.toString(), "cannot read: " + e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), file, base);
    }

    /** Parses YAML text; {@code name} is used in messages, {@code base} resolves relative paths. */
    public static PalisadeConfig parse(String text, String name, Path source, Path base) throws ConfigException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true);
        options.setMaxAliasesForCollections(10);
        options.setCodePointLimit(4 * 1024 * 1024);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(List.of(new ConfigProblem(name, line, "", "YAML syntax: " + e.getProblem())));
        } catch (YAMLException e) {
            throw ConfigException.of(name, "YAML syntax: " + e.getMessage());
        }
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigNode top = new ConfigNode(root, "", name, problems);
        if (root == null || !top.isMapping()) {
            throw new ConfigException(List.of(new ConfigProblem(name, top.line(), "", "expected a mapping of settings at the top")));
        }

        List<ListenerConfig> listeners = new ArrayList<>();
        Map<ListenerConfig, ConfigNode> redirects = new LinkedHashMap<>();
        ConfigNode ln = top.get("listeners");
        if (ln == null) {
            top.problem("listeners: missing (expected: a list of listeners with bind: host:port)");
        } else {
            int i = 0;
            for (ConfigNode item : ln.items()) {
                ListenerConfig l = item.isMapping() ? ListenerConfig.from(item, i) : null;
                if (!item.isMapping()) {
                    item.problem("expected a listener (name, bind, tls)");
                }
                if (l != null) {
                    listeners.add(resolveTls(l, base));
                    if (l.httpsRedirect() != null) {
                        redirects.put(l, item.get("https_redirect"));
                    }
                }
                i++;
            }
        }
        redirects.forEach((l, node) -> {
            String target = redirectTarget(l, listeners);
            if (target != null) {
                node.problem(target);
            }
        });

        Map<String, OriginGroupConfig> origins = new LinkedHashMap<>();
        ConfigNode on = top.get("origins");
        if (on == null) {
            top.problem("origins: missing (expected: origin groups with their servers)");
        } else if (!on.isMapping()) {
            on.problem("expected a mapping of group name to servers");
        } else {
            for (String g : on.keys()) {
                ConfigNode gn = on.get(g);
                OriginGroupConfig group = gn.isMapping() ? OriginGroupConfig.from(g, gn) : null;
                if (!gn.isMapping()) {
                    gn.problem("expected a group with servers: [host:port, ...]");
                }
                if (group != null) {
                    origins.put(g, group.tls() == null ? group : group.withTls(group.tls().resolve(base)));
                }
            }
        }

        List<RouteConfig> routes = new ArrayList<>();
        ConfigNode rn = top.get("routes");
        if (rn != null) {
            int i = 0;
            for (ConfigNode item : rn.items()) {
                RouteConfig r = item.isMapping() ? RouteConfig.from(item, i) : null;
                if (!item.isMapping()) {
                    item.problem("expected a route (name, host, path_prefix, group)");
                }
                if (r != null) {
                    if (!origins.isEmpty() && !origins.containsKey(r.group())) {
                        item.problem("group: '" + r.group() + "' is not an origin group (expected one of: "
                                + String.join(", ", origins.keySet()) + ")");
                    }
                    routes.add(r);
                }
                i++;
            }
        }

        TimeoutsConfig timeouts = section(top, "timeouts", TimeoutsConfig::from, TimeoutsConfig.DEFAULTS);
        LimitsConfig limits = section(top, "limits", LimitsConfig::from, LimitsConfig.DEFAULTS);
        ForwardingConfig forwarding = section(top, "forwarding", ForwardingConfig::from, ForwardingConfig.DEFAULTS);
        LogConfig log = section(top, "log", n -> LogConfig.from(n, base), LogConfig.DEFAULTS);
        RulesConfig rules = section(top, "rules", n -> RulesConfig.from(n, base), RulesConfig.DEFAULTS.resolve(base));
        GuardConfig guard = section(top, "guard", GuardConfig::from, GuardConfig.DEFAULTS).resolve(base);
        HeadersConfig headers = section(top, "headers", n -> HeadersConfig.from(n, base), HeadersConfig.DEFAULTS);
        AdminConfig admin = section(top, "admin", AdminConfig::from, AdminConfig.DEFAULTS);
        ClusterConfig cluster = section(top, "cluster", ClusterConfig::from, null);
        top.finish();
        if (!routes.isEmpty()) {
            List<String> names = new ArrayList<>();
            routes.forEach(r -> names.add(r.name()));
            for (String bad : guard.unknownRoutes(names)) {
                problems.add(new ConfigProblem(name, 0, "guard.rate_limits", bad));
            }
        }

        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        try {
            return new PalisadeConfig(source, listeners, routes, origins, timeouts, limits, forwarding, log, rules,
                    guard, headers, admin, cluster);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(List.of(new ConfigProblem(name, 0, "", e.getMessage())));
        }
    }

    private static <T> T section(ConfigNode top, String key, java.util.function.Function<ConfigNode, T> reader, T fallback) {
        ConfigNode n = top.get(key);
        if (n == null) {
            return fallback;
        }
        if (!n.isMapping()) {
            n.problem("expected a mapping of settings");
            return fallback;
        }
        return reader.apply(n);
    }

    /** Why {@code l}'s https_redirect names no TLS listener, or null when it does. */
    static String redirectTarget(ListenerConfig l, List<ListenerConfig> all) {
        String want = l.httpsRedirect().listener();
        for (ListenerConfig other : all) {
            if (other.secure() && (want.isEmpty() || other.name().equals(want))) {
                return null;
            }
        }
        List<String> tls = new ArrayList<>();
        all.stream().filter(ListenerConfig::secure).forEach(o -> tls.add(o.name()));
        return want.isEmpty() ? "no TLS listener to redirect to (expected: a listener with tls:)"
                : "listener: '" + want + "' is not a TLS listener (expected one of: "
                + (tls.isEmpty() ? "none configured" : String.join(", ", tls)) + ")";
    }

    private static ListenerConfig resolveTls(ListenerConfig l, Path base) {
        if (l.tls() == null || base == null) {
            return l;
        }
        return new ListenerConfig(l.name(), l.bind(), l.proxyProtocol(), l.tls().resolve(base), l.httpsRedirect());
    }

    static Path resolve(Path base, String p) {
        Path path = Path.of(p);
        return base == null || path.isAbsolute() ? path : base.resolve(path).normalize();
    }
}
