package dev.palisade.rules;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Headers;
import dev.palisade.pipeline.RequestHead;
import dev.palisade.rules.transform.Transforms;

/**
 * The per-request side of the rule engine: extracts field values lazily, caches every target's values
 * (so a transform runs at most once per request), and answers which rules and fields the matched
 * exclusions turn off. Not thread-safe; one per exchange, like the exchange itself.
 */
public final class Evaluation {

    /** At most this many values are kept per collection; {@code count(...)} still reports the true number. */
    static final int MAX_VALUES = 2048;

    private final Exchange ex;
    private final List<Value>[] cache;
    private final long bodyLimit;
    private final List<RulesConfig.Exclusion> exclusions;
    private final PhraseIndex index;
    private final BitSet phrasesFound = new BitSet();
    private final boolean[] phrasesScanned;

    private List<Value> args;
    private List<Value> argNames;
    private List<Value> files;
    private int argTotal;
    private List<Value> cookies;
    private int cookieTotal;
    private String body;

    @SuppressWarnings({"unchecked", "rawtypes"})
    Evaluation(Exchange ex, RuleSet set, long bodyLimit, List<RulesConfig.Exclusion> configured) {
        this.ex = ex;
        this.cache = new List[Math.max(1, set.slots())];
        this.index = set.index();
        this.phrasesScanned = new boolean[index.phraseTargets()];
        this.bodyLimit = bodyLimit;
        this.exclusions = configured.isEmpty() ? List.of() : matching(ex.request(), configured);
    }

    private static List<RulesConfig.Exclusion> matching(RequestHead req, List<RulesConfig.Exclusion> all) {
        String host = req.host().toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        String path = Transforms.byName("normalize_path").apply(Transforms.byName("url_decode").apply(req.path()));
        List<RulesConfig.Exclusion> out = new ArrayList<>(2);
        for (RulesConfig.Exclusion e : all) {
            if (e.appliesTo(host, path)) {
                out.add(e);
            }
        }
        return out;
    }

    List<Value> cached(int slot) {
        return cache[slot];
    }

    void cache(int slot, List<Value> values) {
        cache[slot] = values;
    }

    /**
     * Whether phrase condition {@code c} is known to be false: none of its phrases occurs in any value of
     * its target. The first call for a target scans it once for every phrase condition on it.
     */
    boolean phraseAbsent(Expr.Cond c) {
        int id = index.phraseId(c);
        if (id < 0) {
            return false;
        }
        scanPhrases(index.targetOf(id));
        return !phrasesFound.get(id);
    }

    /** Scans phrase target {@code t} unless this request already did. */
    void scanPhrases(int t) {
        if (!phrasesScanned[t]) {
            phrasesScanned[t] = true;
            index.scan(t, this, phrasesFound);
        }
    }

    /** The phrase conditions found so far (complete for the targets scanned). */
    BitSet phrasesFound() {
        return phrasesFound;
    }

    /** Whether an exclusion turns rule {@code rule} off for this request. */
    boolean ruleExcluded(Rule rule) {
        for (int i = 0; i < exclusions.size(); i++) {
            RulesConfig.Exclusion e = exclusions.get(i);
            if (e.fields().isEmpty() && e.coversRule(rule.id())) {
                return true;
            }
        }
        return false;
    }

    /** Whether an exclusion turns the value named {@code name} off for {@code rule}. */
    boolean excluded(Rule rule, String name) {
        if (exclusions.isEmpty()) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < exclusions.size(); i++) {
            RulesConfig.Exclusion e = exclusions.get(i);
            if (!e.fields().isEmpty() && e.coversRule(rule.id()) && e.coversField(lower)) {
                return true;
            }
        }
        return false;
    }

    List<Value> field(Field f, String name) {
        RequestHead req = ex.request();
        Headers h = req.headers();
        switch (f) {
            case METHOD: return one("method", req.method());
            case PATH: return one("path", req.path());
            case QUERY: return one("query", req.query());
            case TARGET: return one("target", req.target());
            case VERSION: return one("version", req.version());
            case FILENAME: {
                String p = req.path();
                return one("filename", p.substring(p.lastIndexOf('/') + 1));
            }
            case HOST: return h.contains("host") ? one("host", req.host()) : List.of();
            case USER_AGENT: {
                String ua = h.get("user-agent");
                return ua == null ? List.of() : one("user_agent", ua);
            }
            case CLIENT_IP: return one("client_ip", ex.client().ip());
            case TLS_VERSION: return one("tls_version", ex.client().tlsVersion());
            case SNI: return one("sni", ex.client().sni());
            case CLIENT_CERT_SUBJECT: case CLIENT_CERT_ISSUER: case CLIENT_CERT_FINGERPRINT: case CLIENT_CERT_VERIFIED:
                return one(f.ruleName(), ex.client().clientCert().fact(f.ruleName().substring("client_cert_".length())));
            case HEADERS: {
                List<Value> out = new ArrayList<>(Math.min(h.size(), MAX_VALUES));
                for (Map.Entry<String, String> e : h) {
                    if (out.size() < MAX_VALUES) {
                        out.add(new Value("headers:" + e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
                    }
                }
                return out;
            }
            case HEADER: {
                List<String> all = h.getAll(name);
                List<Value> out = new ArrayList<>(all.size());
                for (String v : all) {
                    out.add(new Value("headers:" + name, v));
                }
                return out;
            }
            case HEADER_NAMES: {
                List<Value> out = new ArrayList<>(Math.min(h.size(), MAX_VALUES));
                for (Map.Entry<String, String> e : h) {
                    if (out.size() < MAX_VALUES) {
                        out.add(new Value("header_names", e.getKey()));
                    }
                }
                return out;
            }
            case ARGS: parseArgs(); return args;
            case ARG_NAMES: parseArgs(); return argNames;
            case FILES: parseArgs(); return files;
            case ARG: {
                parseArgs();
                List<Value> out = new ArrayList<>(1);
                String n = "args:" + name;
                for (Value v : args) {
                    if (v.name().equals(n)) {
                        out.add(v);
                    }
                }
                return out;
            }
            case COOKIES: parseCookies(); return cookies;
            case COOKIE_NAMES: {
                parseCookies();
                List<Value> out = new ArrayList<>(cookies.size());
                for (Value v : cookies) {
                    out.add(new Value("cookie_names", v.name().substring("cookies:".length())));
                }
                return out;
            }
            case COOKIE: {
                parseCookies();
                List<Value> out = new ArrayList<>(1);
                String n = "cookies:" + name;
                for (Value v : cookies) {
                    if (v.name().equals(n)) {
                        out.add(v);
                    }
                }
                return out;
            }
            case BODY: {
                String b = body();
                return b == null ? List.of() : one("body", b);
            }
            default:
                return List.of();
        }
    }

    /** The true number of values of a field, also beyond the kept {@value #MAX_VALUES}. */
    int total(Field f, String name) {
        if (f == Field.ARGS || f == Field.ARG_NAMES) {
            parseArgs();
            return argTotal;
        }
        if (f == Field.COOKIES || f == Field.COOKIE_NAMES) {
            parseCookies();
            return cookieTotal;
        }
        if (f == Field.HEADERS || f == Field.HEADER_NAMES) {
            return ex.request().headers().size();
        }
        return field(f, name).size();
    }

    private static List<Value> one(String name, String text) {
        return Collections.singletonList(new Value(name, text));
    }

    private String body() {
        if (body != null) {
            return body;
        }
        byte[] b = ex.body();
        if (b == null || bodyLimit <= 0) {
            return null;
        }
        int n = (int) Math.min(b.length, bodyLimit);
        body = new String(b, 0, n, StandardCharsets.UTF_8);
        return body;
    }

    /** Control bytes other than tab and line ends: an upload, not a form sent without its Content-Type. */
    private static boolean binary(String b) {
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private void parseArgs() {
        if (args != null) {
            return;
        }
        args = new ArrayList<>();
        argNames = new ArrayList<>();
        files = new ArrayList<>(0);
        RequestArgs.parseForm(ex.request().query(), this::addArg);
        String b = body();
        if (b != null && !b.isEmpty()) {
            String ct = ex.request().headers().get("content-type");
            ct = ct == null ? "" : ct.toLowerCase(Locale.ROOT);
            if (ct.contains("json") || (ct.isEmpty() && (b.startsWith("{") || b.startsWith("[")))) {
                RequestArgs.parseJson(b, this::addArg);
            } else if (ct.startsWith("multipart/")) {
                RequestArgs.parseMultipart(b, RequestArgs.boundary(ex.request().headers().get("content-type")),
                        this::addArg, this::addFile);
            } else if (ct.contains("x-www-form-urlencoded") || ct.isEmpty() && !binary(b)) {
                RequestArgs.parseForm(b, this::addArg);
            } else if (ct.contains("xml")) {
                RequestArgs.parseXml(b, this::addArg);
            }
        }
    }

    private void addArg(String name, String value) {
        argTotal++;
        if (args.size() < MAX_VALUES) {
            args.add(new Value("args:" + name, value));
            argNames.add(new Value("arg_names", name));
        }
    }

    private void addFile(String name) {
        if (files.size() < MAX_VALUES) {
            files.add(new Value("files", name));
        }
    }

    private void parseCookies() {
        if (cookies != null) {
            return;
        }
        cookies = new ArrayList<>();
        for (String header : ex.request().headers().getAll("cookie")) {
            int i = 0;
            while (i < header.length()) {
                int semi = header.indexOf(';', i);
                if (semi < 0) {
                    semi = header.length();
                }
                String part = header.substring(i, semi).trim();
                i = semi + 1;
                if (part.isEmpty()) {
                    continue;
                }
                cookieTotal++;
                if (cookies.size() >= MAX_VALUES) {
                    continue;
                }
                int eq = part.indexOf('=');
                String n = eq < 0 ? part : part.substring(0, eq).trim();
                String v = eq < 0 ? "" : part.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                cookies.add(new Value("cookies:" + n, v));
            }
        }
    }
}
