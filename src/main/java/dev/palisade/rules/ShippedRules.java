package dev.palisade.rules;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/**
 * The rule files shipped inside the jar (a copy of the repository's rules/ directory). The demo and the
 * one-line proxy use them when there is no rules/ directory where Palisade runs; a config file names its
 * own directory.
 */
public final class ShippedRules {

    private static final String MARKER = "palisade/rules/10-protocol.rules";

    private ShippedRules() {
    }

    /** The directory of the shipped rule files, inside the jar or on the class path; null when absent. */
    public static Path dir() {
        URL url = ShippedRules.class.getClassLoader().getResource(MARKER);
        if (url == null) {
            return null;
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return fs.getPath("/" + MARKER).getParent();
            }
            return Path.of(uri).getParent();
        } catch (URISyntaxException | IOException e) {
            return null;
        }
    }
}
