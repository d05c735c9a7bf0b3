package dev.palisade.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

class HideOriginTest {

    @ParameterizedTest(name = "[{index}] {3}")
    @CsvFileSource(resources = "/HideOriginTest/rows.psv", delimiter = '|', quoteCharacter = '`')
    void hides(String server, String hide, String reveal, String in, String out) {
        HideOrigin stage = new HideOrigin(server == null ? "" : server, list(hide), list(reveal));
        TestHeaders h = TestHeaders.parse(in);
        stage.onResponse(Exchanges.get("shop.example", false, "10.0.0.5:8080"), 200, h);
        assertEquals(TestHeaders.parse(out).normalized(), h.normalized());
    }

    private static List<String> list(String cell) {
        return cell == null ? List.of() : Arrays.stream(cell.split(",")).map(String::strip).toList();
    }
}
