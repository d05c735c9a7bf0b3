package dev.palisade.rules;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Verdict;

/**
 * Runs the attack and benign corpora in src/test/resources/corpus through the shipped rules and counts
 * blocks. Attack payloads are placed where real attacks put them (query argument, double-encoded and
 * %u-encoded query, form body, JSON body, cookie, plain and base64, a header, the path) so the measure
 * covers decoding as well as detection.
 */
final class Corpus {

    static final Path DIR = Path.of("src/test/resources/corpus");
    static final String UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/124.0.0.0 Safari/537.36";

    /** One class's result. */
    record Rate(String name, int total, int blocked, List<String> misses) {
        double percent() {
            return total == 0 ? 0 : 100.0 * blocked / total;
        }
    }

    private final RuleEngineStage stage;

    Corpus(RuleSet rules) {
        this.stage = new RuleEngineStage(rules, new RulesConfig(Path.of("rules"), "block"));
    }

    static Corpus shipped() throws Exception {
        return new Corpus(RuleLoader.load(new RulesConfig(Path.of("rules"), "block")));
    }

    boolean blocks(String requestLine) {
        return blockedBy(requestLine) != null;
    }

    /** The id of the rule that blocked the request, or null when it passed. */
    String blockedBy(String requestLine) {
        Exchange ex = TestRequest.parse(requestLine).exchange();
        return stage.onRequest(ex) instanceof Verdict.Respond r ? r.ruleId() : null;
    }

    static List<String> lines(String file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(DIR.resolve(file), StandardCharsets.UTF_8)) {
            if (l.isBlank() || l.startsWith("# ")) {
                continue;
            }
            out.add(l);
        }
        return out;
    }

    /** Attack classes and the placements each is measured in. */
    Map<String, Rate> attacks() throws IOException {
        Map<String, Rate> out = new LinkedHashMap<>();
        out.put("sqli", measure("sqli", lines("attack-sqli.txt"), true, true, false));
        out.put("xss", measure("xss", lines("attack-xss.txt"), true, true, false));
        out.put("traversal-lfi", measure("traversal-lfi", lines("attack-traversal.txt"), false, false, true));
        out.put("rce", measure("rce", lines("attack-rce.txt"), true, false, false));
        out.put("sensitive-files", paths("sensitive-files", lines("attack-sensitive.txt")));
        out.put("scanners", agents("scanners", lines("attack-scanners.txt")));
        return out;
    }

    private Rate measure(String name, List<String> payloads, boolean header, boolean base64Cookie, boolean path) {
        int total = 0;
        int blocked = 0;
        List<String> misses = new ArrayList<>();
        for (String p : payloads) {
            List<String> reqs = placements(p, header, base64Cookie, path);
            for (String r : reqs) {
                total++;
                if (blocks(r)) {
                    blocked++;
                } else {
                    misses.add(r);
                }
            }
        }
        return new Rate(name, total, blocked, misses);
    }

    /**
     * The requests that carry attack payload {@code p}: encoded, double-encoded and %u-encoded in the query, in a
     * form and a JSON body, in a cookie (and base64 in a cookie), in the User-Agent, in the path.
     */
    static List<String> placements(String p, boolean header, boolean base64Cookie, boolean path) {
        List<String> reqs = new ArrayList<>();
        String enc = enc(p);
        reqs.add("GET /item?id=" + enc + " ; User-Agent: " + UA);
        reqs.add("GET /item?id=" + enc(enc) + " ; User-Agent: " + UA);
        reqs.add("GET /item?id=" + unicode(p) + " ; User-Agent: " + UA);
        reqs.add("POST /item ; User-Agent: " + UA + " ; body: id=" + enc + "&submit=Send");
        reqs.add("POST /api/item ; User-Agent: " + UA + " ; Content-Type: application/json ; body: {\"id\": \""
                + json(p) + "\", \"page\": 1}");
        reqs.add("GET /item ; User-Agent: " + UA + " ; Cookie: session=abc123; pref=" + enc);
        if (base64Cookie) {
            reqs.add("GET /item ; User-Agent: " + UA + " ; Cookie: data="
                    + java.util.Base64.getEncoder().encodeToString(p.getBytes(StandardCharsets.UTF_8)));
        }
        // a URL or an XML document in a User-Agent attacks nothing, so those stay out of the header placement
        if (header && !(" " + p + " ").contains(" ; ") && !p.startsWith(";") && !p.matches("^[a-z]+://.*")
                && !p.startsWith("<?xml") && !p.startsWith("<!DOCTYPE")) {
            reqs.add("GET /item ; User-Agent: " + UA + " " + p);
        }
        if (path && (p.startsWith("/") || p.contains(".."))) {
            String t = p.startsWith("/") ? p : "/static/" + p;
            reqs.add("GET " + t.replace(" ", "%20").replace("#", "%23").replace("?", "%3F") + " ; User-Agent: " + UA);
        }
        return reqs;
    }

    private Rate paths(String name, List<String> paths) {
        int blocked = 0;
        List<String> misses = new ArrayList<>();
        for (String p : paths) {
            String r = "GET " + p + " ; User-Agent: " + UA;
            if (blocks(r)) {
                blocked++;
            } else {
                misses.add(r);
            }
        }
        return new Rate(name, paths.size(), blocked, misses);
    }

    private Rate agents(String name, List<String> agents) {
        int blocked = 0;
        List<String> misses = new ArrayList<>();
        for (String a : agents) {
            String r = "GET / ; User-Agent: " + a;
            if (blocks(r)) {
                blocked++;
            } else {
                misses.add(r);
            }
        }
        return new Rate(name, agents.size(), blocked, misses);
    }

    /** Benign requests: every line of benign-requests.txt, and every benign value as a query and a form field. */
    Rate benign() throws IOException {
        List<String> reqs = new ArrayList<>(lines("benign-requests.txt"));
        for (String v : lines("benign-values.txt")) {
            reqs.add("GET /search?q=" + enc(v) + "&page=1 ; User-Agent: " + UA + " ; Referer: https://example.com/");
            reqs.add("POST /comment ; User-Agent: " + UA + " ; body: name=Jane&comment=" + enc(v));
            reqs.add("POST /api/comment ; User-Agent: " + UA + " ; Content-Type: application/json ; body: {\"text\": \""
                    + json(v) + "\"}");
        }
        int blocked = 0;
        List<String> fps = new ArrayList<>();
        for (String r : reqs) {
            String by = blockedBy(r);
            if (by != null) {
                blocked++;
                fps.add("[rule " + by + "] " + r);
            }
        }
        return new Rate("benign", reqs.size(), blocked, fps);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String unicode(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(String.format("%%u%04x", (int) c));
        }
        return sb.toString();
    }

    static String json(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c == ';') {
                sb.append("\\u003b");
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Prints the detection and false-positive table. */
    static void report(Map<String, Rate> attacks, Rate benign, PrintStream out, boolean showMisses) {
        out.printf("%-16s %8s %8s %9s%n", "class", "requests", "blocked", "rate");
        for (Rate r : attacks.values()) {
            out.printf("%-16s %8d %8d %8.2f%%%n", r.name(), r.total(), r.blocked(), r.percent());
        }
        out.printf("%-16s %8d %8d %8.2f%%  (false positives)%n", "benign", benign.total(), benign.blocked(),
                benign.percent());
        if (showMisses) {
            for (Rate r : attacks.values()) {
                for (String m : r.misses()) {
                    out.println("MISS " + r.name() + ": " + m);
                }
            }
            for (String f : benign.misses()) {
                out.println("FALSE POSITIVE: " + f);
            }
        }
    }
}
