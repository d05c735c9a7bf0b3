package dev.palisade.guard.flood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.Cidr;
import dev.palisade.config.ConfigException;

class DenyListTest {

    @TempDir
    Path dir;

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void readsTheFileAndTheConfigBlocks() throws Exception {
        Path f = dir.resolve("deny.txt");
        Files.writeString(f, "# scanners\n198.51.100.0/24\n\n  203.0.113.9   # one host\n2001:db8::/48\n");
        DenyList d = DenyList.load(List.of(Cidr.parse("192.0.2.1")), f);
        assertEquals(3, d.fileEntries());
        assertTrue(d.contains(ip("198.51.100.44")));
        assertTrue(d.contains(ip("203.0.113.9")));
        assertTrue(d.contains(ip("2001:db8:0:ff::1")));
        assertTrue(d.contains(ip("192.0.2.1")));
        assertFalse(d.contains(ip("192.0.2.2")));
    }

    @Test
    void badLinesAreLocatedAndABadReloadKeepsTheOldList() throws Exception {
        Path f = dir.resolve("deny.txt");
        Files.writeString(f, "198.51.100.0/24\n");
        DenyList d = DenyList.load(List.of(), f);
        Files.writeString(f, "203.0.113.0/24\nnot-an-address\n10.0.0.0/40\n");
        ConfigException e = assertThrows(ConfigException.class, d::reload);
        assertEquals(2, e.problems().size());
        assertEquals(2, e.problems().get(0).line());
        assertTrue(e.problems().get(0).toString().startsWith(f + ":2: cidr: 'not-an-address'"), e.getMessage());
        assertEquals(3, e.problems().get(1).line());
        assertTrue(d.contains(ip("198.51.100.1")), "old list still serving");
        assertFalse(d.contains(ip("203.0.113.1")));
    }

    @Test
    void changedFileIsPickedUp() throws Exception {
        Path f = dir.resolve("deny.txt");
        Files.writeString(f, "198.51.100.0/24\n");
        DenyList d = DenyList.load(List.of(), f);
        Files.writeString(f, "203.0.113.0/24\n");
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
        d.reloadIfChanged();
        assertTrue(d.contains(ip("203.0.113.1")));
        assertFalse(d.contains(ip("198.51.100.1")));
    }

    @Test
    void missingFileIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> DenyList.load(List.of(), dir.resolve("nope.txt")));
        assertTrue(e.getMessage().contains("deny file not found"), e.getMessage());
    }
}
