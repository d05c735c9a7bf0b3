package dev.palisade.rules;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Headers;
import dev.palisade.pipeline.RequestHead;
import dev.palisade.rules.transform.CharMask;
import dev.palisade.rules.transform.Transform;
import dev.palisade.rules.transform.Transforms;

/**
 * The per-request side of the rule engine: extracts field values lazily, caches every target's values
 * (so a transform runs at most once per request), and answers which rules and fields the matched
 * exclusions turn off. Not thread-safe; one per exchange, like the exchange itself.
 */
public final class Evaluation {

    /** At most this many values are kept per collection; {@code count(...)} still reports the true number. */
    static final int MAX_VALUES = 2048;

    /** {@link #absent} bits: no query and no body; no body; no Cookie header. */
    static final int NO_ARGS = 1;
    static final int NO_BODY = 2;
    static final int NO_COOKIES = 4;

    private Exchange ex;
    /** Which of the argument, body and cookie fields this request lacks; -1 until asked. */
    private int absent = -1;
    private static final String ARGS_PREFIX = "args:";
    private static final String COOKIES_PREFIX = "cookies:";

    /** How many results of one transform are remembered per request (see {@link #transformed}). */
    private static final int MEMO = 8;

    /** How many distinct strings' phrase labels are remembered per request. */
    private static final int WALKED = 1024;

    private final Values[] cache;
    /** Per transform id: recent inputs and their results, so chains reaching the same string share one result. */
    private final String[][] memoIn = new String[Transforms.count()][];
    private final String[][] memoOut = new String[Transforms.count()][];
    /** Per transform id: the character summaries of {@link #memoOut}, two words each. */
    private final long[][] memoChars = new long[Transforms.count()][];
    /** Per transform id: how many results were remembered (the latest {@link #MEMO} are kept). */
    private final int[] memoCount = new int[Transforms.count()];
    private long bodyLimit;
    private List<RulesConfig.Exclusion> exclusions;
    /** Whether a request is using this evaluation (see {@link RuleSet#reusable}). */
    private boolean busy;
    private final PhraseIndex index;
    /** Phrase condition ids found so far, as bits (complete for the targets scanned). */
    private final long[] phrasesFound;
    private final boolean[] phrasesScanned;
    private final long[] noLabels;
    private final long[] changed = new long[2];
    /**
     * Strings walked by the phrase automaton this request (a hash table), where each one's labels start in
     * {@link #walkedLabels} ({@link PhraseIndex#words} words each, the last ones a scratch entry), and how many.
     */
    private String[] walked;
    private int[] walkedAt;
    private long[] walkedLabels;
    private int walkedCount;

    private Values args;
    private Values argNames;
    private Values files;
    private Values.Builder argsBuilder;
    private Values.Builder filesBuilder;
    private int argTotal;
    private Values cookies;
    private Values headers;
    private int cookieTotal;
    private String body;

    Evaluation(Exchange ex, RuleSet set, long bodyLimit, List<RulesConfig.Exclusion> configured) {
        this.cache = new Values[Math.max(1, set.slots())];
        this.index = set.index();
        this.phrasesScanned = new boolean[index.phraseTargets()];
        this.phrasesFound = new long[index.words()];
        this.noLabels = new long[index.words()];
        begin(ex, bodyLimit, configured);
    }

    /** Starts evaluating {@code ex}: this evaluation is fresh, or was {@link #end ended}. */
    Evaluation begin(Exchange ex, long bodyLimit, List<RulesConfig.Exclusion> configured) {
        this.ex = ex;
        this.bodyLimit = bodyLimit;
        this.exclusions = configured.isEmpty() ? List.of() : matching(ex.request(), configured);
        this.busy = true;
        return this;
    }

    boolean busy() {
        return busy;
    }

    /**
     * Ends the request: forgets everything it read (so no request's data outlives it here) and leaves the arrays
     * for the next request on this thread, whose evaluation then writes into memory already in the caches
     * instead of allocating its own.
     */
    void end() {
        ex = null;
        absent = -1;
        Arrays.fill(cache, null);
        for (int t = 0; t < memoIn.length; t++) {
            if (memoCount[t] > 0) {
                Arrays.fill(memoIn[t], null);
                Arrays.fill(memoOut[t], null);
                memoCount[t] = 0;
            }
        }
        Arrays.fill(phrasesFound, 0L);
        Arrays.fill(phrasesScanned, false);
        if (walkedCount > 0) {
            Arrays.fill(walked, null);
            walkedCount = 0;
        }
        args = null;
        argNames = null;
        files = null;
        argsBuilder = null;
        filesBuilder = null;
        argTotal = 0;
        cookies = null;
        headers = null;
        cookieTotal = 0;
        body = null;
        busy = false;
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

    /**
     * The fields this request has no value in, as {@link #NO_ARGS}, {@link #NO_BODY} and {@link #NO_COOKIES} bits,
     * read off the request line, the body's presence and the header names without parsing anything.
     */
    int absent() {
        int a = absent;
        if (a < 0) {
            byte[] b = ex.body();
            boolean noBody = b == null || b.length == 0 || bodyLimit <= 0;
            RequestHead req = ex.request();
            a = (noBody ? NO_BODY : 0) | (noBody && req.query().isEmpty() ? NO_ARGS : 0)
                    | (req.headers().contains("cookie") ? 0 : NO_COOKIES);
            absent = a;
        }
        return a;
    }

    Values cached(int slot) {
        return cache[slot];
    }

    void cache(int slot, Values values) {
        cache[slot] = values;
    }

    /**
     * {@code t.apply(v)}, the results that differ from their input remembered by the identity of {@code v}: the
     * same header or argument string reached through several chains ({@code lower(user_agent)},
     * {@code lower(headers)}, {@code lower(any(...))}) is lower-cased once per request. A value a transform
     * leaves as it is costs only that transform's own check, which is what remembering it would cost. A changed
     * result's character summary, also made once per request, is left in {@link #changedChars}.
     */
    String transformed(Transform t, int id, String v) {
        long[] chars = changed;
        String[] in = memoIn[id];
        if (in != null) {
            int n = Math.min(memoCount[id], MEMO);
            for (int i = 0; i < n; i++) {
                if (in[i] == v) {
                    chars[0] = memoChars[id][2 * i];
                    chars[1] = memoChars[id][2 * i + 1];
                    return memoOut[id][i];
                }
            }
        }
        String r = t.apply(v);
        if (r != v) {
            CharMask.summarize(r, chars, 0);
            if (in == null) {
                in = new String[MEMO];
                memoIn[id] = in;
                memoOut[id] = new String[MEMO];
                memoChars[id] = new long[2 * MEMO];
            }
            int slot = memoCount[id]++ % MEMO;
            in[slot] = v;
            memoOut[id][slot] = r;
            memoChars[id][2 * slot] = chars[0];
            memoChars[id][2 * slot + 1] = chars[1];
        }
        return r;
    }

    /**
     * Whether phrase condition {@code id} is known to be false: none of its phrases occurs in any value of its
     * target. The first call for a target scans it once for every phrase condition on it.
     */
    boolean phraseAbsent(int id) {
        scanPhrases(index.targetOf(id));
        return !phraseFound(id);
    }

    /** Whether a phrase of condition {@code id} occurs in {@code s}. */
    boolean phraseIn(String s, int id) {
        int at = labelsOf(s);
        return (walkedLabels[at + (id >> 6)] & 1L << id) != 0;
    }

    /** Scans phrase target {@code t} unless this request already did. */
    void scanPhrases(int t) {
        if (!phrasesScanned[t]) {
            phrasesScanned[t] = true;
            index.scan(t, this, phrasesFound);
        }
    }

    /** Whether a phrase of condition {@code id} was found (in a target scanned so far). */
    boolean phraseFound(int id) {
        return (phrasesFound[id >> 6] & 1L << id) != 0;
    }

    /** The summary of the last result {@link #transformed} changed (two words), for {@link Values#map} to copy. */
    long[] changedChars() {
        return changed;
    }

    /** No labels, {@link PhraseIndex#words} words of zeros, for values that have no text; read, never written. */
    long[] noPhraseLabels() {
        return noLabels;
    }

    /** The array {@link #labelsOf} answers into. */
    long[] phraseLabels() {
        return walkedLabels;
    }

    /**
     * Where in {@link #phraseLabels} the labels of the phrases in {@code s} start. Each distinct string is walked
     * once per request (the same header or argument string is a value of many targets), for up to
     * {@value #WALKED} strings; beyond them a string is walked each time it is asked for. Strings are found in an
     * open-addressing table by their (cached) hash and compared by identity, then by content, since equal
     * strings hold the same phrases.
     */
    int labelsOf(String s) {
        int w = index.words();
        if (walked == null) {
            // room for the 20 to 30 distinct strings of an ordinary request before growing
            walked = new String[32];
            walkedAt = new int[32];
            walkedLabels = new long[25 * w];
        }
        int mask = walked.length - 1;
        int i = slotOf(s, mask);
        for (String k = walked[i]; k != null; i = (i + 1) & mask, k = walked[i]) {
            if (k == s || k.hashCode() == s.hashCode() && k.equals(s)) {
                return walkedAt[i];
            }
        }
        if (walkedCount >= WALKED) {
            int scratch = walkedLabels.length - w;
            java.util.Arrays.fill(walkedLabels, scratch, scratch + w, 0L);
            index.labelsIn(s, walkedLabels, scratch);
            return scratch;
        }
        int at = walkedCount * w;
        if (at + 2 * w > walkedLabels.length) {
            // the last w words are the scratch entry; entries fill the array from the start
            walkedLabels = java.util.Arrays.copyOf(walkedLabels, walkedLabels.length * 2);
        }
        java.util.Arrays.fill(walkedLabels, at, at + w, 0L);
        index.labelsIn(s, walkedLabels, at);
        walked[i] = s;
        walkedAt[i] = at;
        if (++walkedCount * 4 > walked.length * 3) {
            rehashWalked();
        }
        return at;
    }

    /** The first slot of {@code s} in a table of {@code mask + 1} slots: similar strings hash to near numbers, spread. */
    private static int slotOf(String s, int mask) {
        int h = s.hashCode() * 0x9E3779B9;
        return (h ^ h >>> 15) & mask;
    }

    private void rehashWalked() {
        String[] keys = walked;
        int[] at = walkedAt;
        walked = new String[keys.length * 2];
        walkedAt = new int[keys.length * 2];
        int mask = walked.length - 1;
        for (int k = 0; k < keys.length; k++) {
            if (keys[k] != null) {
                int i = slotOf(keys[k], mask);
                while (walked[i] != null) {
                    i = (i + 1) & mask;
                }
                walked[i] = keys[k];
                walkedAt[i] = at[k];
            }
        }
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

    /** Whether an exclusion may turn values off for some rule, so names must be checked. */
    boolean excluding() {
        return !exclusions.isEmpty();
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

    Values field(Field f, String name) {
        RequestHead req = ex.request();
        Headers h = req.headers();
        switch (f) {
            case METHOD: return Values.one("method", req.method());
            case PATH: return Values.one("path", req.path());
            case QUERY: return Values.one("query", req.query());
            case TARGET: return Values.one("target", req.target());
            case VERSION: return Values.one("version", req.version());
            case FILENAME: {
                String p = req.path();
                return Values.one("filename", p.substring(p.lastIndexOf('/') + 1));
            }
            case HOST: return h.contains("host") ? Values.one("host", req.host()) : Values.NONE;
            case USER_AGENT: {
                String ua = h.get("user-agent");
                return ua == null ? Values.NONE : Values.one("user_agent", ua);
            }
            case CLIENT_IP: return Values.one("client_ip", ex.client().ip());
            case TLS_VERSION: return Values.one("tls_version", ex.client().tlsVersion());
            case SNI: return Values.one("sni", ex.client().sni());
            case CLIENT_CERT_SUBJECT: case CLIENT_CERT_ISSUER: case CLIENT_CERT_FINGERPRINT: case CLIENT_CERT_VERIFIED:
                return Values.one(f.ruleName(), ex.client().clientCert().fact(f.ruleName().substring("client_cert_".length())));
            case HEADERS: return headers();
            case HEADER: {
                if (h.size() <= MAX_VALUES) {
                    // one walk over the headers serves every header a rule names
                    return headers().select(Values.HEADERS, name);
                }
                List<String> all = h.getAll(name);
                Values.Builder out = new Values.Builder(Values.HEADERS, all.size());
                for (String v : all) {
                    out.add(name, v);
                }
                return out.build();
            }
            case HEADER_NAMES: return headers().keysAs("header_names");
            case ARGS: parseArgs(); return args;
            case ARG_NAMES: parseArgs(); return argNames;
            case FILES: parseArgs(); return files;
            case ARG: parseArgs(); return args.select(ARGS_PREFIX, name);
            case COOKIES: parseCookies(); return cookies;
            case COOKIE_NAMES: parseCookies(); return cookies.keysAs("cookie_names");
            case COOKIE: parseCookies(); return cookies.select(COOKIES_PREFIX, name);
            case BODY: {
                String b = body();
                return b == null ? Values.NONE : Values.one("body", b);
            }
            default:
                return Values.NONE;
        }
    }

    /** Every header field, in order (at most {@value #MAX_VALUES}), read once per request. */
    private Values headers() {
        if (headers == null) {
            Headers h = ex.request().headers();
            Values.Builder out = new Values.Builder(Values.HEADERS, Math.min(h.size(), MAX_VALUES));
            for (Map.Entry<String, String> e : h) {
                if (out.size() < MAX_VALUES) {
                    out.add(e.getKey(), e.getValue());
                }
            }
            headers = out.build();
        }
        return headers;
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
        if (f == Field.HEADER && ex.request().headers().size() <= MAX_VALUES) {
            return headers().count(Values.HEADERS, name);
        }
        return field(f, name).size();
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
        argsBuilder = new Values.Builder(ARGS_PREFIX, 8);
        filesBuilder = new Values.Builder("files", 1);
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
        args = argsBuilder.build();
        argNames = args.keysAs("arg_names");
        files = filesBuilder.build();
        argsBuilder = null;
        filesBuilder = null;
    }

    private void addArg(String name, String value) {
        argTotal++;
        if (argsBuilder.size() < MAX_VALUES) {
            argsBuilder.add(name, value);
        }
    }

    private void addFile(String name) {
        if (filesBuilder.size() < MAX_VALUES) {
            filesBuilder.add(null, name);
        }
    }

    private void parseCookies() {
        if (cookies != null) {
            return;
        }
        Values.Builder out = new Values.Builder(COOKIES_PREFIX, 4);
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
                if (out.size() >= MAX_VALUES) {
                    continue;
                }
                int eq = part.indexOf('=');
                String n = eq < 0 ? part : part.substring(0, eq).trim();
                String v = eq < 0 ? "" : part.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                out.add(n, v);
            }
        }
        cookies = out.build();
    }
}
