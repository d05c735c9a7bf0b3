package dev.palisade.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.ForwardingConfig;
import dev.palisade.config.HeadersConfig;
import dev.palisade.config.HeadersConfig.ClientIdentity;
import dev.palisade.config.PalisadeConfig;

/** The headers: and forwarding: sections read through the real config loader. */
class HeadersConfigTest {

    @Test
    void readsEveryKey() throws Exception {
        PalisadeConfig c = load("full.yaml");
        HeadersConfig h = c.headers();
        assertEquals("Shield", h.server());
        assertEquals(List.of("x-internal-*", "x-trace"), h.hide());
        assertEquals(List.of("x-cache-hits"), h.reveal());
        assertEquals(List.of("x-debug", "x-internal-*"), h.stripRequest());
        assertEquals(ClientIdentity.TRUNCATE, h.clientIdentity());
        assertEquals(List.of("app.origin.example", "*.corp.example"), h.internalHosts());
        assertEquals(List.of("PUT", "DELETE"), h.denyMethods());
        assertEquals("DENY", h.security().frameOptions());
        assertEquals("nosniff", h.security().contentTypeOptions());
        assertEquals("no-referrer", h.security().referrerPolicy());
        assertEquals("default-src 'self'", h.security().csp());
        assertEquals("geolocation=()", h.security().permissionsPolicy());
        assertTrue(h.security().override());
        assertTrue(h.errorPages().replace5xx());
        assertEquals(Set.of(403, 404), h.errorPages().replace4xx());
        assertEquals("<h1>{{status}} {{reason}}</h1><p>{{request_id}}</p>\n", h.errorPages().templateText());
        assertEquals("<h1>404 Not Found</h1><p>r&lt;1&gt;</p>\n", ErrorPages.of(h).page(404, "r<1>"));

        ForwardingConfig f = c.forwarding();
        assertEquals(2, f.trustedProxies().size());
        assertEquals(ForwardingConfig.Style.X_FORWARDED, f.style());
        assertTrue(f.trusted(Exchanges.address("10.9.200.1")));
        assertTrue(f.trusted(Exchanges.address("2001:db8:ffff:1::1")));
        assertFalse(f.trusted(Exchanges.address("10.8.0.1")));
    }

    @Test
    void defaultsWhenAbsent() throws Exception {
        String yaml = "listeners:\n  - bind: 127.0.0.1:0\norigins:\n  app:\n    servers: [10.0.0.5:8080]\n";
        PalisadeConfig c = ConfigLoader.parse(yaml, "palisade.yaml", null, null);
        assertEquals(HeadersConfig.DEFAULTS, c.headers());
        assertEquals(ForwardingConfig.DEFAULTS, c.forwarding());
        assertEquals("palisade", c.headers().server());
        assertEquals(ClientIdentity.FORWARD, c.headers().clientIdentity());
        assertEquals(ForwardingConfig.Style.BOTH, c.forwarding().style());
        assertTrue(c.headers().errorPages().replace5xx());
    }

    @Test
    void reportsEveryProblemWithItsLine() throws Exception {
        List<String> problems = problems("bad.yaml");
        String dir = dir().toString();
        List<String> expected = List.of(
                "palisade.yaml:8: forwarding.trusted_proxies[1]: cidr: 'not-an-address' is not an IP address or block",
                "palisade.yaml:9: forwarding.style: 'sideways' (expected: x_forwarded, forwarded or both)",
                "palisade.yaml:10: forwarding.trust_everyone: unknown key",
                "palisade.yaml:12: headers.hide[1]: 'bad name' (expected: a header name, or a prefix ending in *)",
                "palisade.yaml:13: headers.strip_request[0]: 'X:Colon' (expected: a header name, or a prefix ending in *)",
                "palisade.yaml:14: headers.client_identity: 'anonymous' (expected: forward, truncate or drop)",
                "palisade.yaml:15: headers.internal_hosts[0]: 'bad/host' (expected: a host name, an address, or *.domain)",
                "palisade.yaml:16: headers.deny_methods[0]: 'GET POST' (expected: a method name such as PUT)",
                "palisade.yaml:19: headers.security.hsts: moved: Strict-Transport-Security is set on each TLS listener, the only "
                        + "place it may be sent (expected: listeners[].tls.hsts_max_age: 365d, and hsts_include_subdomains / "
                        + "hsts_preload: true)",
                "palisade.yaml:20: headers.security.nonsense: unknown key",
                "palisade.yaml:22: headers.error_pages.replace_4xx[1]: 500 (expected: a status 400..499)",
                "palisade.yaml:22: headers.error_pages.replace_4xx[2]: 'abc' (expected: a status 400..499)",
                "palisade.yaml:23: headers.error_pages.template: '" + dir + "/missing.html' not found (expected: an HTML template file)",
                "palisade.yaml:17: headers.colour: unknown key");
        assertEquals(expected, problems);
    }

    @Test
    void securityValuesAreChecked() throws Exception {
        assertEquals(List.of("palisade.yaml:9: headers.security.frame_options: 'ALLOW-FROM HTTP://X'"
                + " (expected: DENY or SAMEORIGIN)"), problems("bad-security.yaml"));
    }

    @Test
    void templatePlaceholdersAreChecked() throws Exception {
        assertEquals(List.of("palisade.yaml:9: headers.error_pages.template: '" + dir() + "/bad-page.html': unknown"
                + " placeholder {{origin}} (expected: {{status}}, {{reason}} or {{request_id}})"), problems("bad-template.yaml"));
    }

    @Test
    void wrongShapesAreLocated() throws Exception {
        assertEquals(List.of(
                "palisade.yaml:8: headers.server: expected a single value",
                "palisade.yaml:9: headers.security: expected a mapping (frame_options, content_type_options,"
                        + " referrer_policy, csp, permissions_policy, override)",
                "palisade.yaml:10: headers.error_pages: expected a mapping (replace_5xx, replace_4xx, template)",
                "palisade.yaml:11: headers.replace_4xx: unknown key"), problems("shapes.yaml"));
    }

    @Test
    void recordsValidateInCode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeadersConfig.Security("", "", "", "default-src 'self'\r\nX-Evil: 1", "", false));
        assertTrue(e.getMessage().startsWith("csp: contains a control"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new HeadersConfig.ErrorPageSettings(true, Set.of(302), null, null));
        assertEquals("replace_4xx: 302 (expected: 400..499)", e.getMessage());
        assertEquals("x", HeadersConfig.of("x").server());
    }

    private static List<String> problems(String fixture) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> load(fixture));
        return e.problems().stream().map(Object::toString).collect(Collectors.toList());
    }

    private static PalisadeConfig load(String fixture) throws ConfigException, IOException, URISyntaxException {
        Path dir = dir();
        String text = Files.readString(dir.resolve(fixture), StandardCharsets.UTF_8).replace("${dir}", dir.toString());
        return ConfigLoader.parse(text, "palisade.yaml", null, dir);
    }

    private static Path dir() throws URISyntaxException {
        return Path.of(HeadersConfigTest.class.getResource("/HeadersConfigTest/full.yaml").toURI()).getParent();
    }
}
