package dev.palisade.server.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The dashboard's static files, read from the jar once at start (never from disk on the event loop).
 * No CDN and no external font: the page works on an air-gapped host.
 */
final class Dashboard {

    /** One file and its media type. */
    record File(byte[] bytes, String contentType) {}

    private static final Map<String, String> FILES = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/dashboard.css", "dashboard.css",
            "/dashboard.js", "dashboard.js");

    private final Map<String, File> files;

    Dashboard() {
        java.util.HashMap<String, File> m = new java.util.HashMap<>();
        FILES.forEach((path, name) -> m.put(path, new File(read(name), type(name))));
        files = Map.copyOf(m);
    }

    /** The file served at {@code path}, or null. */
    File get(String path) {
        return files.get(path);
    }

    static boolean serves(String path) {
        return FILES.containsKey(path);
    }

    private static byte[] read(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String type(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        return name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    }
}
