package dev.palisade.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.config.RulesConfig;

/** The rules section of palisade.yaml. */
class RulesConfigTest {

    static final String BASE = """
            listeners:
              - name: web
                bind: 127.0.0.1:8080
            origins:
              app:
                servers: [127.0.0.1:9000]
            routes:
              - name: all
                group: app
            """;

    @Test
    void defaults() {
        RulesConfig d = RulesConfig.DEFAULTS;
        assertEquals("block", d.mode());
        assertEquals(5, d.anomalyThreshold());
        assertEquals(403, d.blockStatus());
        assertEquals(16 * 1024, d.bodyLimit());
        assertTrue(d.exclusions().isEmpty());
    }

    @Test
    void everyKeyIsRead() throws Exception {
        PalisadeConfig c = ConfigLoader.parse(BASE + """
                rules:
                  dir: my-rules
                  mode: detect
                  anomaly_threshold: 8
                  block_status: 406
                  body_limit: 64k
                  exclusions:
                    - path_prefix: /cms
                      host: "*.example.com"
                      rules: [4001, 3000-3999]
                      fields: [args:body, cookies:Tracking]
                    - path_prefix: /upload
                      rules: [1008]
                """, "p.yaml", null, Path.of("/etc/palisade"));
        RulesConfig r = c.rules();
        assertEquals(Path.of("/etc/palisade/my-rules"), r.dir());
        assertEquals("detect", r.mode());
        assertEquals(8, r.anomalyThreshold());
        assertEquals(406, r.blockStatus());
        assertEquals(64 * 1024, r.bodyLimit());
        assertEquals(2, r.exclusions().size());
        RulesConfig.Exclusion e = r.exclusions().get(0);
        assertTrue(e.coversRule("3500") && e.coversRule("4001") && !e.coversRule("4002"));
        assertTrue(e.coversField("args:body") && e.coversField("cookies:tracking") && !e.coversField("args:title"));
        assertTrue(e.appliesTo("a.example.com", "/cms/x") && !e.appliesTo("example.org", "/cms/x"));
        assertEquals(List.of(), r.exclusions().get(1).fields());
    }

    @Test
    void badValuesAreLocated() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(BASE + """
                rules:
                  mode: loud
                  anomaly_threshold: 0
                  exclusions:
                    - path_prefix: nope
                      rules: [1]
                    - path_prefix: /x
                  colour: red
                """, "p.yaml", null, null));
        String all = e.getMessage();
        assertTrue(all.contains("anomaly_threshold") && all.contains("path_prefix: 'nope'")
                && all.contains("neither rules nor fields") && all.contains("unknown key"), all);
        assertTrue(e.problems().stream().allMatch(p -> p.line() > 0), all);
    }
}
