package dev.palisade.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Verdict;

/** The stage's decisions: modes, actions, scores, exclusions, what lands in the exchange's attrs. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RuleEngineStageTest {

    static final RulesConfig BLOCK = new RulesConfig(Path.of("rules"), "block");

    static final String RULES = """
            rule 10 "Health checks are always fine"
              when path equals "/healthz"
              then allow
            rule 20 "Admin path"
              when path prefix "/admin"
              then block status 451 tag admin
            rule 30 "Looks odd"
              when arg("q") contains "odd"
              then score 3 tag odd
            rule 31 "Looks weird"
              when arg("q") contains "weird"
              then score 3
            rule 40 "Only watching"
              when path prefix "/watch"
              then block detect_only
            rule 50 "Log it"
              when header("X-Log") exists
              then log
            rule 60 "Never on health"
              when path contains "health"
              then block
            rule 70 "Reflected value"
              when args contains "<evil>"
              then block
            """;

    static Verdict run(String rules, RulesConfig cfg, String request) throws Exception {
        return run(rules, cfg, TestRequest.parse(request).exchange());
    }

    static Verdict run(String rules, RulesConfig cfg, Exchange ex) throws Exception {
        return new RuleEngineStage(RuleLoader.parse("t.rules", rules), cfg).onRequest(ex);
    }

    @Test
    void blockRuleAnswersWithItsStatusAndRuleId() throws Exception {
        Exchange ex = TestRequest.parse("GET /admin/users").exchange();
        Verdict v = run(RULES, BLOCK, ex);
        Verdict.Respond r = assertInstanceOf(Verdict.Respond.class, v);
        assertEquals(451, r.status());
        assertEquals("20", r.ruleId());
        assertTrue(r.reasonForLog().contains("Admin path"));
        List<RuleHit> hits = ex.attrs().get(RuleEngineStage.HITS);
        assertEquals(1, hits.size());
        assertEquals("block", hits.get(0).action());
        assertEquals("path", hits.get(0).field());
        assertEquals(List.of("admin"), hits.get(0).tags());
    }

    /** A request that goes on, with the action its first hit records: allow, detect_only, log, detect mode. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            allow stops evaluation                      | block  | GET /healthz         | allow
            detect_only rule records but does not block | block  | GET /watch/me        | detect
            log rule records and continues              | block  | GET /x ; X-Log: yes  | log
            detect mode never blocks but records        | detect | GET /admin           | detect
            """)
    void requestGoesOnAndItsFirstHitRecordsTheAction(String name, String mode, String request, String action)
            throws Exception {
        Exchange ex = TestRequest.parse(request).exchange();
        assertSame(Verdict.CONTINUE, run(RULES, BLOCK.withMode(mode), ex), name);
        assertEquals(action, ex.attrs().get(RuleEngineStage.HITS).get(0).action(), name);
    }

    @Test
    void scoresAddUpAndBlockAtTheThreshold() throws Exception {
        Exchange one = TestRequest.parse("GET /?q=odd").exchange();
        assertSame(Verdict.CONTINUE, run(RULES, BLOCK, one));
        assertEquals(3, one.attrs().get(RuleEngineStage.ANOMALY_SCORE));
        Exchange two = TestRequest.parse("GET /?q=odd+and+weird").exchange();
        Verdict.Respond r = assertInstanceOf(Verdict.Respond.class, run(RULES, BLOCK, two));
        assertEquals(403, r.status());
        assertEquals("31", r.ruleId());
        assertTrue(r.reasonForLog().contains("anomaly score 6 >= 5"), r.reasonForLog());
        assertSame(Verdict.CONTINUE, run(RULES, BLOCK.withAnomalyThreshold(7), "GET /?q=odd+and+weird"));
        assertSame(Verdict.CONTINUE, run(RULES, BLOCK.withMode("detect"), "GET /?q=odd+weird"),
                "detect mode never blocks, not even at the threshold");
    }

    @Test
    void offModeEvaluatesNothing() throws Exception {
        Exchange ex = TestRequest.parse("GET /admin").exchange();
        assertSame(Verdict.CONTINUE, run(RULES, BLOCK.withMode("off"), ex));
        assertNull(ex.attrs().get(RuleEngineStage.HITS));
    }

    /** One exclusion and what it lets through: each request either goes on or is blocked. */
    record Excluding(String name, RulesConfig.Exclusion exclusion, List<String> goOn, List<String> blocked) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Excluding> exclusions() {
        return List.of(
                new Excluding("exclusion turns a rule off for a path prefix",
                        new RulesConfig.Exclusion("*", "/admin/public", List.of("20"), List.of()),
                        List.of("GET /admin/public/logo.png"), List.of("GET /admin/secret")),
                new Excluding("exclusion path is compared decoded and normalized",
                        new RulesConfig.Exclusion("*", "/admin/public", List.of("20"), List.of()),
                        List.of(), List.of("GET /admin/public/%2e%2e/secret")),
                new Excluding("exclusion by range and host",
                        new RulesConfig.Exclusion("*.example.com", "/", List.of("15-25"), List.of()),
                        List.of("GET /admin ; Host: app.example.com"), List.of("GET /admin ; Host: other.org")),
                new Excluding("exclusion turns a field off for some rules",
                        new RulesConfig.Exclusion("*", "/cms", List.of("70"), List.of("args:body")),
                        List.of("POST /cms/save ; body: body=%3Cevil%3E"),
                        List.of("POST /cms/save ; body: title=%3Cevil%3E", "POST /blog/save ; body: body=%3Cevil%3E")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exclusions")
    void exclusionLetsThroughOnlyWhatItNames(Excluding row) throws Exception {
        RulesConfig cfg = BLOCK.withExclusions(List.of(row.exclusion()));
        for (String request : row.goOn()) {
            assertSame(Verdict.CONTINUE, run(RULES, cfg, request), row.name() + ": " + request);
        }
        for (String request : row.blocked()) {
            assertInstanceOf(Verdict.Respond.class, run(RULES, cfg, request), row.name() + ": " + request);
        }
    }

    @Test
    void hitValueIsLogSafeAndTruncated() throws Exception {
        Exchange ex = TestRequest.parse("GET /?x=%3Cevil%3E%0d%0aInjected:%20" + "A".repeat(500)).exchange();
        run(RULES, BLOCK, ex);
        RuleHit h = ex.attrs().get(RuleEngineStage.HITS).get(0);
        assertEquals("args:x", h.field());
        assertFalse(h.value().contains("\r") || h.value().contains("\n"), h.value());
        assertTrue(h.value().contains("\\r\\n"), h.value());
        assertTrue(h.value().length() < 200, "excerpt length " + h.value().length());
    }

    @Test
    void transformedValuesAreComputedOncePerRequest() throws Exception {
        RuleSet set = RuleLoader.parse("t.rules", """
                rule 1 "a" when lower(url_decode(args)) contains "x" then log
                rule 2 "b" when lower(url_decode(args)) contains "y" then log
                rule 3 "c" when url_decode(args) contains "z" then log
                """);
        Evaluation ev = set.evaluation(TestRequest.parse("GET /?a=%58&b=Y").exchange(), BLOCK);
        Target t1 = ((Expr.Cond) set.rule("1").when()).target();
        Target t2 = ((Expr.Cond) set.rule("2").when()).target();
        Target t3 = ((Expr.Cond) set.rule("3").when()).target();
        assertEquals(t1.slot(), t2.slot());
        assertEquals(t1.inner().slot(), t3.slot());
        Values first = t1.values(ev);
        assertSame(first, t2.values(ev));
        assertSame(t1.inner().values(ev), t3.values(ev));
        assertEquals("x", first.text(0));
    }

    @Test
    void bodyArgumentsJsonAndMultipartAreFields() throws Exception {
        String rules = "rule 1 \"a\" when args contains \"needle\" then block\nrule 2 \"f\" when files suffix \".php\" then block\n";
        assertInstanceOf(Verdict.Respond.class, run(rules, BLOCK,
                "POST /api ; Content-Type: application/json ; body: {\"a\": {\"b\": [1, \"the needle\"]}}"));
        assertInstanceOf(Verdict.Respond.class, run(rules, BLOCK, "POST /f ; body: x=needle"));
        assertSame(Verdict.CONTINUE, run(rules, BLOCK.withBodyLimit(0), "POST /f ; body: x=needle"));
        assertSame(Verdict.CONTINUE, run(rules, BLOCK.withBodyLimit(3), "POST /f ; body: x=needle"));
        Exchange mp = TestRequest.parse("POST /up ; Content-Type: multipart/form-data; boundary=XX ; body: x").exchange();
        mp.body("--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"shell.php\"\r\n\r\n<?php ?>\r\n--XX--\r\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertInstanceOf(Verdict.Respond.class, run(rules, BLOCK, mp));
    }

    @Test
    void countSeesEveryArgumentEvenBeyondTheKeptOnes() throws Exception {
        String rules = "rule 1 \"many\" when count(args) > 5000 then block status 400\n";
        StringBuilder q = new StringBuilder("/?");
        for (int i = 0; i < 10_000; i++) {
            q.append("a").append(i).append("=1&");
        }
        Verdict.Respond r = assertInstanceOf(Verdict.Respond.class, run(rules, BLOCK, "GET " + q));
        assertEquals(400, r.status());
    }

    @Test
    void fieldsCoverTheRequest() throws Exception {
        String line = "POST /a/b/file.php?x=1 HTTP/1.1 ; Host: shop.example ; User-Agent: UA ; Cookie: s=1; t=2 ; "
                + "client: 203.0.113.9 ; tls: TLSv1.3 ; sni: shop.example ; body: y=2";
        String[][] cases = {
            {"method equals \"POST\""}, {"path equals \"/a/b/file.php\""}, {"query equals \"x=1\""},
            {"filename equals \"file.php\""}, {"version equals \"HTTP/1.1\""}, {"host equals \"shop.example\""},
            {"user_agent equals \"UA\""}, {"client_ip in cidr [\"203.0.113.0/24\"]"}, {"tls_version equals \"TLSv1.3\""},
            {"sni equals \"shop.example\""}, {"arg(\"y\") equals \"2\""}, {"arg_names equals \"x\""},
            {"cookie(\"t\") equals \"2\""}, {"cookie_names equals \"s\""}, {"header_names equals \"User-Agent\""},
            {"header(\"user-agent\") equals \"UA\""}, {"headers equals \"UA\""}, {"body equals \"y=2\""},
            {"count(cookies) == 2"}, {"length(path) == 13"}, {"count(header(\"Host\")) == 1"},
            {"target equals \"/a/b/file.php?x=1\""},
        };
        for (String[] c : cases) {
            String rules = "rule 1 \"t\" when " + c[0] + " then block\n";
            assertInstanceOf(Verdict.Respond.class, run(rules, BLOCK, line), c[0]);
        }
    }

    @Test
    void phraseIndexSkipsOnlyRulesThatCannotMatch() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            String target = i % 3 == 0 ? "lower(user_agent)" : i % 3 == 1 ? "args" : "any(args, cookies)";
            text.append("rule p").append(i).append(" \"p\" when ").append(target).append(" contains any [\"k")
                    .append(i).append("x\", \"z").append(i % 7).append("z\"]");
            if (i % 5 == 0) {
                text.append(" and path prefix \"/a\"");
            }
            text.append(" then log\n");
            // an or whose every branch has a phrase or exact value is indexed; one with a regex branch is not
            text.append("rule o").append(i).append(" \"o\" when lower(user_agent) contains \"k").append(i)
                    .append("x\" or path equals \"/o").append(i % 11).append("\" or (args contains any [\"z")
                    .append(i % 7).append("z\"] and not cookies contains \"k").append(i).append("x\")")
                    .append(i % 6 == 0 ? " or query matches \"^q=k" + i + "x$\"" : "").append(" then log\n");
            text.append("rule e").append(i).append(" \"e\" when ").append(i % 2 == 0 ? "path" : "lower(method)")
                    .append(i % 4 == 0 ? " in [\"/a/b\", \"get\", \"/x" : " equals \"/b").append(i % 9).append("\"")
                    .append(i % 4 == 0 ? "]" : "").append(" then log\n");
        }
        RuleSet set = RuleLoader.parse("t.rules", text.toString());
        RulesConfig cfg = BLOCK.withExclusions(List.of(new RulesConfig.Exclusion("*", "/a/x", List.of("p10"), List.of())));
        String[] requests = {
            "GET /a/b?q=k10x&r=z3z ; User-Agent: K12X-agent", "GET /a/x?q=k10x ; Cookie: c=k11x; d=z5z",
            "GET /b?q=k15x+k16x+nothing", "GET / ; User-Agent: none", "GET /a?q=z0zz1zz2zz3zz4zz5zz6z",
            "GET /o3 ; User-Agent: k30x", "GET /?q=k12x", "GET /?q=z2z ; Cookie: c=k9x", "GET /o10?r=z4z ; Cookie: c=k4x",
        };
        for (String r : requests) {
            Exchange ex = TestRequest.parse(r).exchange();
            new RuleEngineStage(set, cfg).onRequest(ex);
            List<String> viaStage = ex.attrs().getOrDefault(RuleEngineStage.HITS, List.of()).stream()
                    .map(RuleHit::ruleId).toList();
            List<String> oneByOne = set.rules().stream()
                    .filter(rule -> set.match(rule, TestRequest.parse(r).exchange(), cfg) != null)
                    .map(Rule::id).toList();
            assertEquals(oneByOne, viaStage, r);
        }
    }

    /**
     * A thread reuses one evaluation's arrays from request to request: nothing one request read may decide the
     * next one, and an evaluation still in use (a rule test run inside a request) gets arrays of its own.
     */
    @Test
    void reusedEvaluationsCarryNothingFromOneRequestToTheNext() throws Exception {
        RuleSet set = RuleLoader.load(BLOCK);
        RuleEngineStage stage = new RuleEngineStage(set, BLOCK);
        String ua = " ; User-Agent: " + Corpus.UA;
        String[] requests = {
            "GET /item?id=1%27%20union%20select%20password%20from%20users--%20" + ua,
            "GET /item?id=1" + ua,
            "GET /search?q=%3Cscript%3Ealert(1)%3C/script%3E" + ua,
            "GET /search?q=red+shoes ; Cookie: theme=dark" + ua,
            "GET /../../etc/passwd" + ua,
            "GET /products?page=2" + ua};
        for (int round = 0; round < 50; round++) {
            for (int k = 0; k < requests.length; k++) {
                Verdict v = stage.onRequest(TestRequest.parse(requests[k]).exchange());
                assertEquals(k % 2 == 0, v instanceof Verdict.Respond, "round " + round + ": " + requests[k]);
            }
        }
        Evaluation outer = set.reusable(TestRequest.parse(requests[1]).exchange(), BLOCK);
        Evaluation inner = set.reusable(TestRequest.parse(requests[0]).exchange(), BLOCK);
        assertNotSame(outer, inner, "a busy evaluation is not handed out twice");
        inner.end();
        outer.end();
        assertSame(outer, set.reusable(TestRequest.parse(requests[1]).exchange(), BLOCK), "the thread's own is reused");
    }
}
