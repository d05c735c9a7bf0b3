package dev.palisade.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.config.AdminConfig;
import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.Durations;
import dev.palisade.config.HostPort;
import dev.palisade.config.ListenerConfig;
import dev.palisade.config.RulesConfig;
import dev.palisade.config.TlsConfig;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.observe.LogSetup;
import dev.palisade.server.PalisadeServer;
import dev.palisade.server.admin.AdminServer;
import dev.palisade.rules.ShippedRules;
import dev.palisade.server.StartException;
import dev.palisade.tls.SelfSignedCertificates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code palisade run}: with a config file, the proxy it describes; with {@code --listen} and {@code --to},
 * a one-line proxy in front of the given origins; with neither, the demo.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start the proxy.",
                "Without --config, --listen or ./palisade.yaml it starts the demo: a demo origin behind the proxy on 127.0.0.1."})
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Config file (default: ./palisade.yaml when present).")
    Path config;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "One-line proxy: the address to listen on.")
    String listen;

    @Option(names = "--to", paramLabel = "HOST:PORT[,HOST:PORT...]", split = ",",
            description = "One-line proxy: the origin servers, balanced round robin.")
    List<String> to;

    @Option(names = "--demo-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the demo's HTTP listener (default: ${DEFAULT-VALUE}).")
    int demoPort;

    @Option(names = "--demo-tls-port", paramLabel = "PORT", defaultValue = "8443",
            description = "Port of the demo's HTTPS listener (default: ${DEFAULT-VALUE}).")
    int demoTlsPort;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "9901",
            description = "Port of the demo's admin listener on 127.0.0.1: dashboard, metrics, admin API (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--certs", paramLabel = "DIR", defaultValue = "certs",
            description = "The demo's certificate directory; a self-signed certificate is made there when it is empty (default: ${DEFAULT-VALUE}).")
    Path demoCerts;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        DemoOrigin demo = null;
        PalisadeConfig cfg;
        Path source = null;
        try {
            if (listen != null || to != null) {
                if (listen == null || to == null || to.isEmpty()) {
                    err.println("palisade: --listen and --to go together (e.g. --listen 127.0.0.1:8080 --to 127.0.0.1:9000)");
                    return 2;
                }
                List<HostPort> servers = new ArrayList<>();
                for (String s : to) {
                    servers.add(HostPort.parse(s));
                }
                cfg = withShippedRules(PalisadeConfig.simple(HostPort.parse(listen), servers));
            } else if (config != null || Files.exists(Path.of("palisade.yaml"))) {
                source = config != null ? config : Path.of("palisade.yaml");
                cfg = ConfigLoader.load(source);
            } else {
                demo = new DemoOrigin();
                cfg = withShippedRules(demoConfig(demo, err))
                        .withAdmin(AdminConfig.withRandomToken(new HostPort("127.0.0.1", adminPort)));
            }
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println(p));
            err.println("palisade: configuration has " + e.problems().size() + " problem(s); not started");
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("palisade: " + e.getMessage());
            return 2;
        }

        PalisadeServer server;
        try {
            server = PalisadeServer.start(cfg);
        } catch (StartException e) {
            err.println("palisade: " + e.getMessage());
            if (demo != null) {
                err.println("palisade: choose another port with --demo-port");
                demo.close();
            }
            return 1;
        }
        printUrls(out, server, cfg, demo);
        CountDownLatch stopped = new CountDownLatch(1);
        DemoOrigin demoRef = demo;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: no new connections, in-flight requests get {}", Durations.format(cfg.timeouts().shutdownGrace()));
            server.shutdown(server.config().timeouts().shutdownGrace());
            if (demoRef != null) {
                demoRef.close();
            }
            LogSetup.stopAtExit();
            stopped.countDown();
        }, "palisade-shutdown"));
        if (source != null) {
            Reloads.onHangup(server, source);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Without a config file: ./rules when there is one, else the rules shipped in the jar. */
    private static PalisadeConfig withShippedRules(PalisadeConfig cfg) {
        Path local = Path.of("rules");
        Path dir = Files.isDirectory(local) ? local : ShippedRules.dir();
        return dir == null ? cfg : cfg.withRules(new RulesConfig(dir, "block"));
    }

    /** The demo: HTTP and HTTPS on loopback in front of the demo origin, with a self-signed certificate. */
    private PalisadeConfig demoConfig(DemoOrigin demo, PrintWriter err) {
        PalisadeConfig cfg = PalisadeConfig.simple(new HostPort("127.0.0.1", demoPort),
                List.of(new HostPort("127.0.0.1", demo.port())));
        try {
            List<Path> made = SelfSignedCertificates.ensure(demoCerts, List.of("localhost", "127.0.0.1"));
            if (!made.isEmpty()) {
                err.println("palisade: wrote a self-signed certificate for localhost and 127.0.0.1 into " + demoCerts);
            }
        } catch (IOException e) {
            err.println("palisade: no HTTPS in the demo: cannot write a certificate into " + demoCerts + ": " + e.getMessage());
            return cfg;
        }
        List<ListenerConfig> listeners = new ArrayList<>(cfg.listeners());
        listeners.add(new ListenerConfig("https", new HostPort("127.0.0.1", demoTlsPort), false,
                new TlsConfig(demoCerts.toAbsolutePath(), false, true)));
        return cfg.withListeners(listeners);
    }

    private static void printUrls(PrintWriter out, PalisadeServer server, PalisadeConfig cfg, DemoOrigin demo) {
        if (demo != null) {
            out.println("Palisade demo is running: a demo origin on 127.0.0.1:" + demo.port() + " behind the proxy.");
        }
        cfg.listeners().forEach(l -> {
            String scheme = l.secure() ? "https" : "http";
            String host = l.bind().host().equals("0.0.0.0") || l.bind().host().equals("::") ? "127.0.0.1" : l.bind().host();
            out.println("  " + l.name() + ": " + scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":"
                    + server.port(l.name()) + "/");
        });
        AdminServer admin = server.admin();
        if (admin != null) {
            out.println("  dashboard: " + admin.url());
            out.println("  metrics:   " + admin.url() + "metrics");
            if (demo != null) {
                out.println("  admin token: " + cfg.admin().token() + "   (curl -X POST -H 'Authorization: Bearer "
                        + cfg.admin().token() + "' " + admin.url() + "admin/reload)");
            }
        }
        if (demo != null) {
            String base = "http://127.0.0.1:" + server.port(cfg.listeners().get(0).name());
            out.println("Try:");
            out.println("  curl -i " + base + "/");
            if (cfg.listeners().size() > 1) {
                out.println("  curl -ik --http2 https://127.0.0.1:" + server.port("https") + "/          # HTTPS and HTTP/2, self-signed certificate");
            }
            out.println("  curl -i '" + base + "/search?q=1%27%20OR%20%271%27=%271'     # SQL injection: blocked by the shipped rules");
            out.println("  curl -i " + base + "/.git/config                             # sensitive file: blocked");
            out.println("Stop with Ctrl-C.");
        }
        out.flush();
    }
}
