package dev.palisade.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Request and response header policy: what the origin sees of the client and what the client sees
 * of the origin. The built-in lists (hop-by-hop, identifying response headers) live in
 * {@code dev.palisade.headers}; this record holds only what the operator adds or exempts.
 *
 * @param server          the Server header value sent to clients; empty omits it
 * @param hide            response header names removed on top of the built-in list ({@code x-foo-*} is a prefix family)
 * @param reveal          hidden names let through anyway, also out of a hidden family (exact names)
 * @param stripRequest    request header names removed before forwarding ({@code x-internal-*} is a prefix family)
 * @param clientIdentity  how much of the client's address reaches the origin
 * @param internalHosts   host names (or {@code *.suffix}) that name origins, rewritten or dropped in responses
 * @param denyMethods     methods refused with 405 besides TRACE and TRACK, upper case
 * @param security        security headers added to responses
 * @param errorPages      which origin error pages are replaced, and the template of Palisade's own page
 */
public record HeadersConfig(String server, List<String> hide, List<String> reveal, List<String> stripRequest,
                            ClientIdentity clientIdentity, List<String> internalHosts, List<String> denyMethods,
                            Security security, ErrorPageSettings errorPages) {

    /** How much of the client's address reaches the origin. */
    public enum ClientIdentity {
        /** The real address in X-Forwarded-For / Forwarded. */
        FORWARD,
        /** The address cut to its network: IPv4 /24, IPv6 /48. */
        TRUNCATE,
        /** No client address at all. */
        DROP;

        static ClientIdentity parse(String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "forward": return FORWARD;
                case "truncate": return TRUNCATE;
                case "drop": return DROP;
                default: throw new IllegalArgumentException("'" + s + "' (expected: forward, truncate or drop)");
            }
        }
    }

    /**
     * Security headers added to responses; an empty value adds nothing. Strict-Transport-Security is not
     * here: it belongs to a TLS listener ({@code listeners[].tls.hsts_max_age}), the only place it may be sent.
     *
     * @param contentTypeOptions X-Content-Type-Options ({@code nosniff})
     * @param frameOptions       X-Frame-Options ({@code DENY} or {@code SAMEORIGIN})
     * @param referrerPolicy     Referrer-Policy
     * @param csp                Content-Security-Policy
     * @param permissionsPolicy  Permissions-Policy
     * @param override           replace the origin's own value; by default the origin's value is kept
     */
    public record Security(String contentTypeOptions, String frameOptions, String referrerPolicy,
                           String csp, String permissionsPolicy, boolean override) {

        public static final Security NONE = new Security("", "", "", "", "", false);

        private static final Set<String> REFERRER = Set.of("no-referrer", "no-referrer-when-downgrade", "origin",
                "origin-when-cross-origin", "same-origin", "strict-origin", "strict-origin-when-cross-origin",
                "unsafe-url");

        public Security {
            contentTypeOptions = fieldValue("content_type_options", contentTypeOptions).toLowerCase(Locale.ROOT);
            frameOptions = fieldValue("frame_options", frameOptions).toUpperCase(Locale.ROOT);
            referrerPolicy = fieldValue("referrer_policy", referrerPolicy).toLowerCase(Locale.ROOT);
            csp = fieldValue("csp", csp);
            permissionsPolicy = fieldValue("permissions_policy", permissionsPolicy);
            if (!contentTypeOptions.isEmpty() && !contentTypeOptions.equals("nosniff")) {
                throw new IllegalArgumentException("content_type_options: '" + contentTypeOptions
                        + "' (expected: nosniff)");
            }
            if (!frameOptions.isEmpty() && !frameOptions.equals("DENY") && !frameOptions.equals("SAMEORIGIN")) {
                throw new IllegalArgumentException("frame_options: '" + frameOptions
                        + "' (expected: DENY or SAMEORIGIN)");
            }
            if (!referrerPolicy.isEmpty()) {
                for (String p : referrerPolicy.split(",")) {
                    if (!REFERRER.contains(p.trim())) {
                        throw new IllegalArgumentException("referrer_policy: '" + p.trim() + "' (expected one of: "
                                + String.join(", ", new java.util.TreeSet<>(REFERRER)) + ")");
                    }
                }
            }
        }

        private static String fieldValue(String key, String v) {
            if (v == null) {
                return "";
            }
            String s = v.trim();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException(key + ": contains a control or non-ASCII character"
                            + " (expected: a header value on one line)");
                }
            }
            return s;
        }
    }

    /**
     * Which origin error pages are replaced by Palisade's own page, and its template.
     *
     * @param replace5xx   replace every 5xx page from an origin
     * @param replace4xx   4xx statuses whose origin pages are replaced too
     * @param template     the template file, or null for the built-in page
     * @param templateText the template's text as read at load time, or null for the built-in page
     */
    public record ErrorPageSettings(boolean replace5xx, Set<Integer> replace4xx, Path template, String templateText) {

        public static final ErrorPageSettings DEFAULTS = new ErrorPageSettings(true, Set.of(), null, null);

        /** The placeholders a template may use. */
        public static final Set<String> PLACEHOLDERS = Set.of("status", "reason", "request_id");

        private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

        public ErrorPageSettings {
            replace4xx = Set.copyOf(replace4xx == null ? Set.of() : replace4xx);
            for (int s : replace4xx) {
                if (s < 400 || s > 499) {
                    throw new IllegalArgumentException("replace_4xx: " + s + " (expected: 400..499)");
                }
            }
            if (templateText != null) {
                Matcher m = PLACEHOLDER.matcher(templateText);
                while (m.find()) {
                    if (!PLACEHOLDERS.contains(m.group(1))) {
                        throw new IllegalArgumentException("template: unknown placeholder {{" + m.group(1)
                                + "}} (expected: {{status}}, {{reason}} or {{request_id}})");
                    }
                }
            }
        }
    }

    public static final HeadersConfig DEFAULTS = new HeadersConfig("palisade", List.of(), List.of(), List.of(),
            ClientIdentity.FORWARD, List.of(), List.of(), Security.NONE, ErrorPageSettings.DEFAULTS);

    private static final int MAX_TEMPLATE = 64 * 1024;

    public HeadersConfig {
        server = server == null ? "" : server.trim();
        for (int i = 0; i < server.length(); i++) {
            char c = server.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("server: contains a control or non-ASCII character");
            }
        }
        hide = names("hide", hide, true);
        reveal = names("reveal", reveal, false);
        stripRequest = names("strip_request", stripRequest, true);
        clientIdentity = clientIdentity == null ? ClientIdentity.FORWARD : clientIdentity;
        internalHosts = hosts(internalHosts);
        denyMethods = methods(denyMethods);
        security = security == null ? Security.NONE : security;
        errorPages = errorPages == null ? ErrorPageSettings.DEFAULTS : errorPages;
    }

    /** Only the Server value changed; everything else as {@link #DEFAULTS}. */
    public static HeadersConfig of(String server) {
        HeadersConfig d = DEFAULTS;
        return new HeadersConfig(server, d.hide, d.reveal, d.stripRequest, d.clientIdentity, d.internalHosts,
                d.denyMethods, d.security, d.errorPages);
    }

    /** Header names, lower case; {@code name*} is a prefix family when {@code prefixes} allows it. */
    private static List<String> names(String key, List<String> in, boolean prefixes) {
        List<String> out = new ArrayList<>();
        for (String raw : in == null ? List.<String>of() : in) {
            String s = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
            String token = prefixes && s.endsWith("*") ? s.substring(0, s.length() - 1) : s;
            if (!isToken(token)) {
                throw new IllegalArgumentException(key + ": '" + raw + "' (expected: a header name"
                        + (prefixes ? ", or a prefix ending in *)" : ")"));
            }
            out.add(s);
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    private static List<String> hosts(List<String> in) {
        List<String> out = new ArrayList<>();
        for (String raw : in == null ? List.<String>of() : in) {
            String s = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
            String name = s.startsWith("*.") ? s.substring(2) : s;
            if (name.startsWith("[") && name.endsWith("]")) {
                name = name.substring(1, name.length() - 1);
                s = name;
            }
            boolean ok = !name.isEmpty();
            for (int i = 0; i < name.length() && ok; i++) {
                char c = name.charAt(i);
                ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ':';
            }
            if (!ok) {
                throw new IllegalArgumentException("internal_hosts: '" + raw
                        + "' (expected: a host name, an address, or *.domain)");
            }
            out.add(s);
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    private static List<String> methods(List<String> in) {
        List<String> out = new ArrayList<>();
        for (String raw : in == null ? List.<String>of() : in) {
            String s = raw == null ? "" : raw.trim().toUpperCase(Locale.ROOT);
            if (!isToken(s)) {
                throw new IllegalArgumentException("deny_methods: '" + raw + "' (expected: a method name such as PUT)");
            }
            out.add(s);
        }
        return List.copyOf(new LinkedHashSet<>(out));
    }

    /** RFC 9110 token: one or more tchar. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static HeadersConfig from(ConfigNode n) {
        return from(n, null);
    }

    /**
     * Reads the {@code headers:} section; {@code base} resolves a relative template path (null: the
     * working directory). ConfigLoader should pass the config file's directory.
     */
    static HeadersConfig from(ConfigNode n, Path base) {
        HeadersConfig d = DEFAULTS;
        String server = n.string("server", d.server);
        List<String> hide = listed(n, "hide", s -> names("hide", List.of(s), true));
        List<String> reveal = listed(n, "reveal", s -> names("reveal", List.of(s), false));
        List<String> strip = listed(n, "strip_request", s -> names("strip_request", List.of(s), true));
        ClientIdentity identity = n.parsed("client_identity", ClientIdentity::parse, d.clientIdentity);
        List<String> internal = listed(n, "internal_hosts", s -> hosts(List.of(s)));
        List<String> deny = listed(n, "deny_methods", s -> methods(List.of(s)));
        Security security = d.security;
        ConfigNode sn = n.get("security");
        if (sn != null) {
            security = sn.isMapping() ? security(sn) : null;
            if (security == null) {
                if (!sn.isMapping()) {
                    sn.problem("expected a mapping (frame_options, content_type_options, referrer_policy, csp,"
                            + " permissions_policy, override)");
                }
                security = d.security;
            }
        }
        ErrorPageSettings pages = d.errorPages;
        ConfigNode en = n.get("error_pages");
        if (en != null) {
            pages = en.isMapping() ? errorPages(en, base) : null;
            if (pages == null) {
                if (!en.isMapping()) {
                    en.problem("expected a mapping (replace_5xx, replace_4xx, template)");
                }
                pages = d.errorPages;
            }
        }
        n.finish();
        Security sec = security;
        ErrorPageSettings ep = pages;
        return n.build(() -> new HeadersConfig(server, hide, reveal, strip, identity, internal, deny, sec, ep), d);
    }

    /** Reads a list item by item, so a bad item is reported at its own line. */
    private static List<String> listed(ConfigNode n, String key, Function<String, List<String>> check) {
        List<String> out = new ArrayList<>();
        ConfigNode c = n.get(key);
        if (c != null) {
            for (ConfigNode item : c.items()) {
                List<String> v = item.as(unprefixed(key, check), null);
                if (v != null) {
                    out.addAll(v);
                }
            }
        }
        return out;
    }

    /**
     * A checker whose IllegalArgumentException drops the leading {@code key: }, because the located
     * problem already names the key.
     */
    private static <T> Function<String, T> unprefixed(String key, Function<String, T> check) {
        return s -> {
            try {
                return check.apply(s);
            } catch (IllegalArgumentException e) {
                String m = String.valueOf(e.getMessage());
                throw new IllegalArgumentException(m.startsWith(key + ": ") ? m.substring(key.length() + 2) : m);
            }
        };
    }

    private static Security security(ConfigNode n) {
        // Each value is checked alone through the record's own validation, so a problem names its line.
        if (n.has("hsts")) {
            n.get("hsts").problem("moved: Strict-Transport-Security is set on each TLS listener, the only place it may "
                    + "be sent (expected: listeners[].tls.hsts_max_age: 365d, and hsts_include_subdomains / hsts_preload: true)");
        }
        String cto = n.parsed("content_type_options", unprefixed("content_type_options",
                v -> new Security(v, "", "", "", "", false).contentTypeOptions()), "");
        String frame = n.parsed("frame_options", unprefixed("frame_options",
                v -> new Security("", v, "", "", "", false).frameOptions()), "");
        String referrer = n.parsed("referrer_policy", unprefixed("referrer_policy",
                v -> new Security("", "", v, "", "", false).referrerPolicy()), "");
        String csp = n.parsed("csp", unprefixed("csp", v -> new Security("", "", "", v, "", false).csp()), "");
        String permissions = n.parsed("permissions_policy", unprefixed("permissions_policy",
                v -> new Security("", "", "", "", v, false).permissionsPolicy()), "");
        boolean override = n.bool("override", false);
        n.finish();
        return n.build(() -> new Security(cto, frame, referrer, csp, permissions, override), null);
    }

    private static ErrorPageSettings errorPages(ConfigNode n, Path base) {
        boolean replace5xx = n.bool("replace_5xx", true);
        Set<Integer> replace4xx = new LinkedHashSet<>();
        ConfigNode r = n.get("replace_4xx");
        if (r != null) {
            for (ConfigNode item : r.items()) {
                Integer s = item.as(HeadersConfig::status4xx, null);
                if (s != null) {
                    replace4xx.add(s);
                }
            }
        }
        String file = n.string("template", null);
        Path template = null;
        String text = null;
        if (file != null) {
            template = ConfigLoader.resolve(base, file);
            try {
                if (Files.size(template) > MAX_TEMPLATE) {
                    n.get("template").problem("'" + template + "' is larger than " + MAX_TEMPLATE + " bytes");
                } else {
                    text = Files.readString(template, StandardCharsets.UTF_8);
                }
            } catch (NoSuchFileException e) {
                n.get("template").problem("'" + template + "' not found (expected: an HTML template file)");
            } catch (IOException e) {
                n.get("template").problem("'" + template + "' cannot be read: " + e.getMessage());
            }
            if (text != null) {
                try {
                    new ErrorPageSettings(true, Set.of(), template, text);
                } catch (IllegalArgumentException e) {
                    n.get("template").problem("'" + template + "': " + e.getMessage().substring("template: ".length()));
                    text = null;
                }
            }
            if (text == null) {
                template = null;
            }
        }
        n.finish();
        Path t = template;
        String tt = text;
        return n.build(() -> new ErrorPageSettings(replace5xx, replace4xx, t, tt), null);
    }

    private static Integer status4xx(String s) {
        try {
            int v = Integer.parseInt(s.trim());
            if (v < 400 || v > 499) {
                throw new IllegalArgumentException(v + " (expected: a status 400..499)");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' (expected: a status 400..499)");
        }
    }
}
