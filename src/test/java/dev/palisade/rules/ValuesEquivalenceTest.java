package dev.palisade.rules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.config.RulesConfig;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.Headers;

/**
 * The shortcuts of the per-request value pipeline (one cache slot per target, transform results remembered by
 * string identity across chains, values shared when a transform changes nothing, one walk over the headers for
 * every named header, names put together on demand) give exactly the values and names of a plain computation:
 * each field read on its own, each transform applied to each value, no cache, for every target of the shipped
 * rules on every corpus request.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ValuesEquivalenceTest {

    private static final RulesConfig CFG = new RulesConfig(Path.of("rules"), "block");

    @Test
    void cachedValuesEqualAPlainComputationOnTheCorpus() throws Exception {
        RuleSet set = RuleLoader.load(CFG);
        Map<String, Target> targets = new LinkedHashMap<>();
        for (Rule r : set.rules()) {
            r.when().targets(t -> collect(t, targets));
        }
        int compared = 0;
        List<String> requests = requests();
        // every third request keeps the test short; each placement and class still comes up hundreds of times
        for (int k = 0; k < requests.size(); k += 3) {
            String request = requests.get(k);
            // first every rule in order, so the cache and the memo hold what a real evaluation leaves in them
            Evaluation ev = set.evaluation(TestRequest.parse(request).exchange(), CFG);
            for (Rule r : set.rules()) {
                r.when().eval(ev, r);
            }
            Exchange plainEx = TestRequest.parse(request).exchange();
            Evaluation plainEv = set.evaluation(plainEx, CFG);
            for (Target t : targets.values()) {
                Values v = t.values(ev);
                List<NameText> got = new ArrayList<>();
                for (int i = 0; i < v.size(); i++) {
                    got.add(new NameText(v.name(i), v.text(i)));
                }
                assertEquals(plain(t, plainEx, plainEv), got, t.key() + " on " + request);
                compared++;
            }
        }
        assertEquals(true, compared > 50_000, "compared " + compared);
    }

    /**
     * The one phrase walk per distinct string (every phrase of every target in one automaton, labels masked per
     * target) answers each phrase condition exactly as a substring search over that condition's own values does.
     */
    @Test
    void sharedPhraseWalkEqualsASubstringSearchPerCondition() throws Exception {
        RuleSet set = RuleLoader.load(CFG);
        List<Expr.Cond> conds = new ArrayList<>();
        for (Rule r : set.rules()) {
            conds(r.when(), conds);
        }
        List<String> requests = requests();
        int checked = 0;
        for (int k = 1; k < requests.size(); k += 3) {
            String request = requests.get(k);
            Exchange ex = TestRequest.parse(request).exchange();
            Evaluation ev = set.evaluation(ex, CFG);
            Evaluation plainEv = set.evaluation(TestRequest.parse(request).exchange(), CFG);
            for (Expr.Cond c : conds) {
                int id = c.phraseId();
                if (id < 0) {
                    continue;
                }
                boolean anywhere = false;
                for (NameText v : plain(c.target(), ex, plainEv)) {
                    boolean occurs = c.op().requiredPhrases().stream().anyMatch(v.text()::contains);
                    anywhere |= occurs;
                    assertEquals(occurs, ev.phraseIn(v.text(), id), c.opText() + " in " + v);
                }
                assertEquals(!anywhere, ev.phraseAbsent(id), c.target() + " " + c.opText() + " on " + request);
                checked++;
            }
        }
        assertEquals(true, checked > 50_000, "checked " + checked);
    }

    private static void conds(Expr e, List<Expr.Cond> into) {
        if (e instanceof Expr.Cond c) {
            into.add(c);
        } else if (e instanceof Expr.And a) {
            a.parts().forEach(p -> conds(p, into));
        } else if (e instanceof Expr.Or o) {
            o.parts().forEach(p -> conds(p, into));
        } else if (e instanceof Expr.Not n) {
            conds(n.inner(), into);
        }
    }

    private static void collect(Target t, Map<String, Target> into) {
        into.putIfAbsent(t.key(), t);
        if (t.inner() != null) {
            collect(t.inner(), into);
        }
        t.members().forEach(m -> collect(m, into));
    }

    /** Every request of the corpus measurement, attacks in every placement and benign traffic. */
    static List<String> requests() throws Exception {
        List<String> out = new ArrayList<>(Corpus.lines("benign-requests.txt"));
        for (String file : List.of("attack-sqli.txt", "attack-xss.txt", "attack-traversal.txt", "attack-rce.txt")) {
            for (String p : Corpus.lines(file)) {
                out.addAll(Corpus.placements(p, true, true, true));
            }
        }
        for (String p : Corpus.lines("attack-sensitive.txt")) {
            out.add("GET " + p + " ; User-Agent: " + Corpus.UA);
        }
        for (String a : Corpus.lines("attack-scanners.txt")) {
            out.add("GET / ; User-Agent: " + a + " ; Referer: http://x/%41 ; X-Forwarded-For: 10.0.0.1");
        }
        for (String v : Corpus.lines("benign-values.txt")) {
            out.add("GET /search?q=" + Corpus.enc(v) + "&page=1 ; User-Agent: " + Corpus.UA + " ; Referer: https://example.com/");
        }
        return out;
    }

    /** One value with its name. */
    private record NameText(String name, String text) {}

    /** The values of {@code t} computed the plain way. */
    private static List<NameText> plain(Target t, Exchange ex, Evaluation ev) {
        List<NameText> out = new ArrayList<>();
        switch (t.kind()) {
            case FIELD: {
                Headers h = ex.request().headers();
                if (t.field() == Field.HEADER) {
                    for (String v : h.getAll(t.fieldName())) {
                        out.add(new NameText("headers:" + t.fieldName(), v));
                    }
                } else if (t.field() == Field.HEADERS || t.field() == Field.HEADER_NAMES) {
                    for (Map.Entry<String, String> e : h) {
                        out.add(t.field() == Field.HEADERS
                                ? new NameText("headers:" + e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue())
                                : new NameText("header_names", e.getKey()));
                    }
                } else if (t.field() == Field.ARG || t.field() == Field.COOKIE) {
                    String prefix = t.field() == Field.ARG ? "args:" : "cookies:";
                    for (NameText nv : plain(Target.field(t.field() == Field.ARG ? Field.ARGS : Field.COOKIES, null), ex, ev)) {
                        if (nv.name().equals(prefix + t.fieldName())) {
                            out.add(nv);
                        }
                    }
                } else {
                    Values v = ev.field(t.field(), t.fieldName());
                    for (int i = 0; i < v.size(); i++) {
                        out.add(new NameText(v.name(i), v.text(i)));
                    }
                }
                return out;
            }
            case TRANSFORM:
                for (NameText nv : plain(t.inner(), ex, ev)) {
                    out.add(new NameText(nv.name(), t.transform().apply(nv.text())));
                }
                return out;
            case UNION:
                t.members().forEach(m -> out.addAll(plain(m, ex, ev)));
                return out;
            case LENGTH:
                for (NameText nv : plain(t.inner(), ex, ev)) {
                    out.add(new NameText(nv.name(), Integer.toString(nv.text().length())));
                }
                return out;
            default:
                out.add(new NameText(t.inner().field().ruleName(), Integer.toString(t.inner().kind() == Target.Kind.FIELD
                        ? ev.total(t.inner().field(), t.inner().fieldName()) : plain(t.inner(), ex, ev).size())));
                return out;
        }
    }

    /**
     * Phrase labels remembered across requests are the labels a walk finds: every corpus request's strings and
     * thousands of random ones (colliding in the fixed table, pushing each other out) give the same labels on a
     * second and third pass as on the first, and the first pass agrees with a second rule set's walks.
     */
    @Test
    void rememberedPhraseLabelsAreTheLabelsOfAWalk() throws Exception {
        PhraseIndex index = RuleLoader.load(CFG).index();
        PhraseIndex other = RuleLoader.load(CFG).index();
        List<String> values = new ArrayList<>();
        for (String file : List.of("attack-rce.txt", "attack-sqli.txt", "attack-traversal.txt", "attack-xss.txt",
                "attack-scanners.txt", "attack-sensitive.txt", "benign-requests.txt", "benign-values.txt")) {
            for (String line : Corpus.lines(file)) {
                values.add(line);
                values.add(line.toLowerCase(java.util.Locale.ROOT));
            }
        }
        java.util.Random rnd = new java.util.Random(13);
        String alphabet = "abcdefghijklmnopqrstuvwxyz/.;'<>(){}$|&%0123456789 ";
        for (int i = 0; i < 3 * PhraseIndex.KNOWN_SLOTS; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = rnd.nextInt(rnd.nextInt(10) == 0 ? 400 : 20); k >= 0; k--) {
                b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            values.add(b.toString());
        }
        int w = index.words();
        long[][] first = new long[values.size()][];
        int withLabels = 0;
        for (int pass = 0; pass < 3; pass++) {
            for (int v = 0; v < values.size(); v++) {
                long[] out = new long[w];
                // built from a fresh String each pass, so a hit is found by content, not identity
                index.labelsIn(new String(values.get(v).toCharArray()), out, 0);
                if (pass == 0) {
                    first[v] = out;
                    long[] fresh = new long[w];
                    other.labelsIn(values.get(v), fresh, 0);
                    assertArrayEquals(fresh, out, values.get(v));
                    withLabels += java.util.Arrays.stream(out).anyMatch(x -> x != 0) ? 1 : 0;
                } else {
                    assertArrayEquals(first[v], out, "pass " + pass + ": " + values.get(v));
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(withLabels > 1000, "values with a phrase: " + withLabels);
    }
}
