package dev.palisade.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.palisade.config.ConfigException;
import dev.palisade.config.ConfigProblem;
import dev.palisade.config.RulesConfig;

/** Load errors: each names file, line and column, and one load reports all of them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RuleParserTest {

    private static List<ConfigProblem> problems(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> RuleLoader.parse("t.rules", text));
        return e.problems();
    }

    private static ConfigProblem only(String text) {
        List<ConfigProblem> p = problems(text);
        assertEquals(1, p.size(), p.toString());
        return p.get(0);
    }

    @Test
    void validRuleParses() throws Exception {
        RuleSet set = RuleLoader.parse("t.rules", """
                # comment
                rule 1 "a" when path prefix "/admin" and not (client_ip in cidr ["10.0.0.0/8"] or method == 1)
                  then block status 403 tag admin tag x detect_only
                rule r-2 "b"
                  when lower(url_decode(any(args, cookies))) contains any ["x", "y"]
                  then score 3
                """);
        assertEquals(2, set.size());
        assertEquals(403, set.rule("1").action().status());
        assertTrue(set.rule("1").action().detectOnly());
        assertEquals(List.of("admin", "x"), set.rule("1").action().tags());
        assertEquals(3, set.rule("r-2").action().score());
    }

    @Test
    void unknownFieldNamesLineAndColumn() {
        ConfigProblem p = only("rule 1 \"a\"\n  when pathh equals \"/\"\n  then block\n");
        assertEquals("t.rules", p.file());
        assertEquals(2, p.line());
        assertEquals("column 8", p.key());
        assertTrue(p.message().contains("unknown field 'pathh'"), p.message());
    }

    @Test
    void unknownOperatorNamesLineAndColumn() {
        ConfigProblem p = only("rule 1 \"a\" when path matchs \"x\" then block\n");
        assertEquals(1, p.line());
        assertEquals("column 22", p.key());
        assertTrue(p.message().contains("unknown operator 'matchs'"), p.message());
    }

    @Test
    void unknownTransformNamesLineAndColumn() {
        ConfigProblem p = only("rule 1 \"a\"\n  when upper(path) equals \"/\" then block\n");
        assertEquals(2, p.line());
        assertEquals("column 8", p.key());
        assertTrue(p.message().contains("unknown transform 'upper'"), p.message());
    }

    @Test
    void badRegexIsLocatedAtTheString() {
        ConfigProblem p = only("rule 1 \"a\"\n  when path matches \"(unclosed\" then block\n");
        assertEquals(2, p.line());
        assertEquals("column 21", p.key());
        assertTrue(p.message().contains("bad regular expression"), p.message());
    }

    @Test
    void backreferencesAndLookaroundAreRefused() {
        assertTrue(only("rule 1 \"a\" when path matches \"(a)\\1\" then block\n").message().contains("bad regular"));
        assertTrue(only("rule 1 \"a\" when path matches \"a(?=b)\" then block\n").message().contains("bad regular"));
    }

    @Test
    void everyProblemIsReportedNotOnlyTheFirst() {
        List<ConfigProblem> p = problems("""
                rule 1 "a" when nofield equals "x" then block
                rule 2 "b" when path bogus "x" then block
                rule 3 "c" when path equals "x" then block
                rule 4 "d" when upper(path) equals "x" then block
                rule 5 "e" when path matches "[" then block
                rule 3 "dup" when path equals "y" then log
                rule 6 "f" when path equals "x"
                """);
        assertEquals(6, p.size(), p.toString());
        assertEquals(List.of(1, 2, 4, 5, 7, 6), p.stream().map(ConfigProblem::line).toList());
        assertTrue(p.get(5).message().contains("duplicate rule id 3"), p.get(5).message());
        assertTrue(p.get(4).message().contains("no 'then'"), p.get(4).message());
    }

    @Test
    void syntaxErrors() {
        assertTrue(only("rule 1 \"a\" when path equals \"x then block\n").message().contains("unterminated string"));
        assertTrue(only("rule 1 when path equals \"x\" then block\n").message().contains("message in quotes"));
        assertTrue(only("rule 1 \"a\" when (path equals \"x\" then block\n").message().contains("expected ')'"));
        assertTrue(only("rule 1 \"a\" when path equals \"x\" then explode\n").message().contains("expected block"));
        assertTrue(only("rule 1 \"a\" when path equals \"x\" then block status 99\n").message().contains("400..599"));
        assertTrue(only("rule 1 \"a\" when header equals \"x\" then block\n").message().contains("needs a name"));
        assertTrue(only("when path equals \"x\" then block\n").message().contains("expected 'rule'"));
        assertTrue(only("rule 1 \"a\" when path equals \"x\" then block\n  test maybe: GET /\n").message()
                .contains("'block' or 'pass'"));
        assertTrue(only("rule 1 \"a\" when path equals \"x\" then block\n  test pass: nonsense\n").message()
                .contains("METHOD TARGET"));
        assertTrue(only("rule 1 \"a\" when path in cidr [\"10.0.0.0/99\"] then block\n").message().contains("prefix"));
    }

    @Test
    void deepNestingIsAClearErrorNotAStackOverflow() {
        String open = "(".repeat(50_000);
        ConfigProblem p = only("rule 1 \"a\" when " + open + "path equals \"x\"" + ")".repeat(50_000) + " then block\n");
        assertTrue(p.message().contains("nested too deeply"), p.message());
        ConfigProblem q = only("rule 1 \"a\" when " + "not ".repeat(50_000) + "path equals \"x\" then block\n");
        assertTrue(q.message().contains("nested too deeply"), q.message());
        ConfigProblem r = only("rule 1 \"a\" when " + "lower(".repeat(50_000) + "path" + ")".repeat(50_000)
                + " equals \"x\" then block\n");
        assertTrue(r.message().contains("nested too deeply"), r.message());
    }

    @Test
    void nestingWithinTheLimitWorks() throws Exception {
        String e = "(".repeat(20) + "path equals \"/x\"" + ")".repeat(20);
        RuleSet set = RuleLoader.parse("t.rules", "rule 1 \"a\" when " + e + " then block\n");
        assertEquals(1, set.size());
    }

    @Test
    void listFilesAreReadRelativeToTheRuleFileAndAMissingOneIsLocated(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.txt"), "# comment\nevil\n\nworse\n");
        Files.writeString(dir.resolve("10-a.rules"), "rule 1 \"a\" when user_agent contains any file \"bad.txt\" then block\n");
        Files.writeString(dir.resolve("20-b.rules"), "rule 2 \"b\"\n  when user_agent contains any file \"missing.txt\"\n  then block\n");
        ConfigException e = assertThrows(ConfigException.class, () -> RuleLoader.load(new RulesConfig(dir, "block")));
        assertEquals(1, e.problems().size(), e.problems().toString());
        ConfigProblem p = e.problems().get(0);
        assertTrue(p.file().endsWith("20-b.rules"), p.file());
        assertEquals(2, p.line());
        assertEquals("column 37", p.key());
        assertTrue(p.message().contains("missing.txt"), p.message());
    }

    @Test
    void duplicateIdAcrossFilesNamesBothPlaces(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("10-a.rules"), "rule 7 \"a\" when path equals \"/a\" then block\n");
        Files.writeString(dir.resolve("20-b.rules"), "\n\nrule 7 \"b\" when path equals \"/b\" then block\n");
        ConfigException e = assertThrows(ConfigException.class, () -> RuleLoader.load(new RulesConfig(dir, "block")));
        ConfigProblem p = e.problems().get(0);
        assertTrue(p.file().endsWith("20-b.rules"));
        assertEquals(3, p.line());
        assertTrue(p.message().contains("first defined at") && p.message().contains("10-a.rules:1"), p.message());
    }

    @Test
    void filesLoadInFileNameOrder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("20-b.rules"), "rule 2 \"b\" when path equals \"/b\" then block\n");
        Files.writeString(dir.resolve("10-a.rules"), "rule 1 \"a\" when path equals \"/a\" then block\n");
        Files.writeString(dir.resolve("notes.txt"), "not a rule file");
        RuleSet set = RuleLoader.load(new RulesConfig(dir, "block"));
        assertEquals(List.of("1", "2"), set.rules().stream().map(Rule::id).toList());
    }

    @Test
    void absentDirectoryIsAnEmptyRuleSet(@TempDir Path dir) throws Exception {
        assertEquals(0, RuleLoader.load(new RulesConfig(dir.resolve("nope"), "block")).size());
    }

    @Test
    void unreadableFileIsAnError(@TempDir Path dir) throws Exception {
        Files.createDirectory(dir.resolve("50-dir.rules"));
        ConfigException e = assertThrows(ConfigException.class, () -> RuleLoader.load(new RulesConfig(dir, "block")));
        assertTrue(e.problems().get(0).message().contains("cannot read"), e.getMessage());
    }

    @Test
    void invalidUtf8IsAnError(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("10-a.rules"), new byte[] {'r', 'u', 'l', 'e', ' ', (byte) 0xff, (byte) 0xfe});
        ConfigException e = assertThrows(ConfigException.class, () -> RuleLoader.load(new RulesConfig(dir, "block")));
        assertTrue(e.problems().get(0).message().contains("UTF-8"));
    }

    @Test
    void problemsPrintAsFileLineColumnMessage() {
        ConfigProblem p = only("rule 1 \"a\"\n  when pathh equals \"/\" then block\n");
        assertEquals("t.rules:2: column 8: unknown field 'pathh'", p.toString().substring(0, p.toString().indexOf(" (")));
    }
}
