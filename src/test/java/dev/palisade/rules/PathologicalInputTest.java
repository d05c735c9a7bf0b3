package dev.palisade.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Verdict;

/**
 * Inputs built to make evaluation slow meet the shipped rules: each is stopped by a limit that answers
 * with a clear status (431 for an oversized header, 400 for too many arguments or encoding nested deeper
 * than the decoder follows), and with those rules turned off the rest still finish in bounded work
 * (values and arguments kept per collection are capped, decoding rounds are capped, JSON depth is capped).
 * The timeouts are the only clocks here; costs are measured in bench/rules.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PathologicalInputTest {

    private static final RulesConfig BLOCK = new RulesConfig(Path.of("rules"), "block");
    private static RuleSet shipped;

    @BeforeAll
    static void load() throws Exception {
        shipped = RuleLoader.load(BLOCK);
    }

    private static Verdict.Respond blocked(RulesConfig cfg, Exchange ex, int status, String rule) {
        Verdict v = new RuleEngineStage(shipped, cfg).onRequest(ex);
        Verdict.Respond r = assertInstanceOf(Verdict.Respond.class, v, () -> "expected a block by " + rule);
        assertEquals(status, r.status());
        assertEquals(rule, r.ruleId());
        return r;
    }

    private static Exchange request(String line) {
        return TestRequest.parse(line).exchange();
    }

    @Test
    void headerValueOf64KiBIsRefusedAs431() {
        String big = "a(".repeat(32 * 1024);
        blocked(BLOCK, request("GET / ; User-Agent: Mozilla/5.0 ; X-Big: " + big), 431, "1006");
        blocked(BLOCK, request("GET / ; User-Agent: " + big), 431, "1006");
    }

    @Test
    void tenThousandArgumentsAreRefusedAs400InTheQueryAndTheBody() {
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            q.append(i == 0 ? "" : "&").append('a').append(i).append("=1");
        }
        blocked(BLOCK, request("GET /?" + q + " ; User-Agent: Mozilla/5.0"), 400, "1008");
        blocked(BLOCK, request("POST /form ; User-Agent: Mozilla/5.0 ; body: " + q), 400, "1008");
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 10_000; i++) {
            json.append(i == 0 ? "" : ",").append(i);
        }
        blocked(BLOCK, request("POST /api ; User-Agent: Mozilla/5.0 ; Content-Type: application/json ; body: " + json + "]"),
                400, "1008");
    }

    @Test
    void encodingNestedDeeperThanTheDecoderFollowsIsRefusedAs400() {
        String quote = "%" + "25".repeat(11) + "27";
        blocked(BLOCK, request("GET /?id=1" + quote + "+or+1=1 ; User-Agent: Mozilla/5.0"), 400, "1013");
        blocked(BLOCK, request("GET /a/" + quote + "/b ; User-Agent: Mozilla/5.0"), 400, "1013");
        blocked(BLOCK, request("GET / ; User-Agent: Mozilla/5.0 ; Cookie: s=" + quote), 400, "1013");
        String deeper = "%" + "25".repeat(5_000) + "2e";
        blocked(BLOCK, request("GET /?f=" + deeper + " ; User-Agent: Mozilla/5.0"), 400, "1013");
        // within the decoder's reach, the payload itself is judged
        Verdict v = new RuleEngineStage(shipped, BLOCK).onRequest(
                request("GET /?id=1%25252527+or+1=1-- ; User-Agent: Mozilla/5.0"));
        assertEquals("3001", assertInstanceOf(Verdict.Respond.class, v).ruleId());
    }

    @Test
    void withTheLimitsTurnedOffHostileInputStillFinishes() {
        RulesConfig noLimits = BLOCK.withExclusions(List.of(
                new RulesConfig.Exclusion("*", "/", List.of("1006", "1008", "1013"), List.of())));
        RuleEngineStage stage = new RuleEngineStage(shipped, noLimits);
        StringBuilder q = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            q.append(i == 0 ? "" : "&").append("a%27").append(i).append("=%3Cb%3E").append(i);
        }
        String[] hostile = {
            "GET /?" + q + " ; User-Agent: Mozilla/5.0",
            "GET / ; User-Agent: " + "' or ".repeat(13_000) + " ; Referer: " + "<a b=\"".repeat(9_000),
            "GET / ; User-Agent: Mozilla/5.0 ; Cookie: " + "c=%2525252541; ".repeat(4_000),
            "GET /" + "%2e%2e/".repeat(9_000) + " ; User-Agent: Mozilla/5.0",
            "GET / ; User-Agent: Mozilla/5.0 ; X-A: " + "${${".repeat(16_000),
        };
        for (String h : hostile) {
            assertNotNull(stage.onRequest(request(h)));
        }
        Exchange deepJson = request("POST /api ; User-Agent: Mozilla/5.0 ; Content-Type: application/json ; body: x");
        deepJson.body(("[".repeat(200_000) + "\"v\"" + "]".repeat(200_000)).getBytes(StandardCharsets.UTF_8));
        assertNotNull(stage.onRequest(deepJson));
    }
}
