package dev.palisade.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import dev.palisade.pipeline.Verdict;

class MethodPolicyTest {

    @ParameterizedTest(name = "[{index}] {0} deny={1} override={2} -> {3}")
    @CsvFileSource(resources = "/MethodPolicyTest/rows.psv", delimiter = '|', quoteCharacter = '`')
    void decides(String method, String deny, String override, int status) {
        List<String> list = deny == null ? List.of() : Arrays.stream(deny.split(",")).map(String::strip).toList();
        Verdict v = new MethodPolicy(list).onRequest(Exchanges.of(method, "198.51.100.7", false,
                TestHeaders.parse("Host: shop.example" + (override == null ? "" : " && X-HTTP-Method-Override: " + override)),
                ""));
        if (status == 0) {
            assertSame(Verdict.CONTINUE, v);
        } else {
            Verdict.Respond r = (Verdict.Respond) v;
            assertEquals(status, r.status());
            assertEquals("method-policy", r.ruleId());
            assertFalse(r.reasonForLog().isEmpty());
        }
    }
}
