package dev.palisade.cli;

import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.observe.Metrics;
import dev.palisade.server.PalisadeServer;
import sun.misc.Signal;

/** SIGHUP reloads the config file; a bad file is refused and the running configuration keeps serving. */
final class Reloads {

    private static final Logger log = LoggerFactory.getLogger(Reloads.class);

    private Reloads() {
    }

    static void onHangup(PalisadeServer server, Path source) {
        try {
            Signal.handle(new Signal("HUP"), sig -> reload(server, source));
        } catch (IllegalArgumentException e) {
            log.warn("SIGHUP reload is not available on this platform");
        }
    }

    static boolean reload(PalisadeServer server, Path source) {
        try {
            server.reload(ConfigLoader.load(source));
            return true;
        } catch (ConfigException e) {
            Metrics.global().reload(false);
            log.error("reload refused, the running configuration stays:\n{}", e.getMessage());
            return false;
        }
    }
}
