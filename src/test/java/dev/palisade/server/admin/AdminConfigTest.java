package dev.palisade.server.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.palisade.config.AdminConfig;
import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.HostPort;
import dev.palisade.config.LogConfig;
import dev.palisade.config.PalisadeConfig;

/** The admin: and log: sections: defaults, and located problems for bad values. */
class AdminConfigTest {

    private static final String BASE = "listeners:\n  - bind: 127.0.0.1:8080\norigins:\n  app:\n    servers: [127.0.0.1:9000]\n";

    private static PalisadeConfig parse(String extra) throws ConfigException {
        return ConfigLoader.parse(BASE + extra, "p.yaml", null, Path.of("/etc/palisade"));
    }

    @Test
    void defaults() throws Exception {
        PalisadeConfig c = parse("");
        assertTrue(c.admin().enabled());
        assertEquals(new HostPort("127.0.0.1", 9901), c.admin().bind());
        assertNull(c.admin().effectiveToken());
        assertEquals(LogConfig.DEFAULTS, c.log());
        assertFalse(PalisadeConfig.simple(new HostPort("127.0.0.1", 0), List.of(new HostPort("127.0.0.1", 1)))
                .admin().enabled(), "configs built in code have no admin listener");
    }

    @Test
    void everyKey() throws Exception {
        PalisadeConfig c = parse("admin:\n  enabled: true\n  bind: 127.0.0.1:9911\n  token: abcdefghijklmnopqrstuvwx\n"
                + "  allowed_hosts: [Admin.Internal]\nlog:\n  access: logs/access.log\n  security: off\n"
                + "  max_file_size: 10m\n  max_history: 14\n  total_size_cap: 2g\n");
        assertEquals(9911, c.admin().bind().port());
        assertEquals("abcdefghijklmnopqrstuvwx", c.admin().effectiveToken());
        assertEquals(List.of("admin.internal"), c.admin().allowedHosts());
        assertEquals(Path.of("/etc/palisade/logs/access.log").toString(), c.log().access(), "relative to the config file");
        assertFalse(c.log().securityEnabled());
        assertEquals(10L << 20, c.log().maxFileSize());
        assertEquals(14, c.log().maxHistory());
        assertEquals(2L << 30, c.log().totalSizeCap());
        assertTrue(parse("admin:\n  enabled: false\n").admin().enabled() == false);
    }

    @Test
    void tokenFromTheEnvironment() throws Exception {
        AdminConfig a = parse("admin:\n  token_env: PALISADE_TEST_TOKEN_THAT_IS_NOT_SET\n").admin();
        assertEquals("PALISADE_TEST_TOKEN_THAT_IS_NOT_SET", a.tokenEnv());
        assertNull(a.effectiveToken(), "an unset variable means no token, so admin calls are refused");
        String path = System.getenv().containsKey("PATH") && System.getenv("PATH").length() >= 16 ? "PATH" : null;
        if (path != null) {
            assertEquals(System.getenv("PATH"), parse("admin:\n  token_env: PATH\n").admin().effectiveToken());
        }
    }

    @Test
    void badValuesAreLocated() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(
                "admin:\n  bind: localhost\n  tokn: x\n  enabled: maybe\n"));
        String all = e.getMessage();
        assertTrue(all.contains("p.yaml:7: admin.bind:"), all);
        assertTrue(all.contains("p.yaml:8: admin.tokn: unknown key"), all);
        assertTrue(all.contains("p.yaml:9: admin.enabled:"), all);
        ConfigException shortToken = assertThrows(ConfigException.class, () -> parse("admin:\n  token: short\n"));
        assertTrue(shortToken.getMessage().contains("at least 16 characters"), shortToken.getMessage());
        ConfigException both = assertThrows(ConfigException.class, () -> parse(
                "admin:\n  token: abcdefghijklmnopqrstuvwx\n  token_env: X\n"));
        assertTrue(both.getMessage().contains("admin.token_env: give either token or token_env"), both.getMessage());
        ConfigException log = assertThrows(ConfigException.class, () -> parse("log:\n  max_history: 0\n  max_file_size: 1x\n"));
        assertTrue(log.getMessage().contains("log.max_history"), log.getMessage());
        assertTrue(log.getMessage().contains("log.max_file_size"), log.getMessage());
    }
}
