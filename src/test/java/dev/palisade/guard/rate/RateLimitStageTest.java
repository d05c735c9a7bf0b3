package dev.palisade.guard.rate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.palisade.config.GuardConfig;
import dev.palisade.config.GuardConfig.KeyPart;
import dev.palisade.config.GuardConfig.Limit;
import dev.palisade.config.GuardConfig.RateLimitPolicy;
import dev.palisade.guard.FakeTicker;
import dev.palisade.guard.GuardAttrs;
import dev.palisade.pipeline.ListHeaders;
import dev.palisade.guard.flood.BanCheckStage;
import dev.palisade.guard.flood.BanList;
import dev.palisade.pipeline.ClientInfo;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.RequestHead;
import dev.palisade.pipeline.Verdict;

class RateLimitStageTest {

    private final FakeTicker clock = new FakeTicker();

    private RateLimitStage stage(RateLimitPolicy... policies) {
        return stage(null, policies);
    }

    private RateLimitStage stage(BanList bans, RateLimitPolicy... policies) {
        GuardConfig g = new GuardConfig(true, null, null, null, List.of(policies));
        return new RateLimitStage(g, new LocalRateLimitStore(clock), bans);
    }

    private static RateLimitPolicy policy(String name, List<KeyPart> key, Limit... limits) {
        return RateLimitPolicy.of(name, key, List.of(limits));
    }

    private static RateLimitPolicy scoped(String name, List<String> routes, List<String> hosts, List<String> methods,
                                          List<String> paths, Limit limit) {
        return new RateLimitPolicy(name, List.of(KeyPart.ADDRESS), List.of(limit), routes, hosts, methods, paths, false,
                false, 1000);
    }

    private static Exchange ex(String ip, String method, String target, String... headers) throws Exception {
        RequestHead head = RequestHead.of(method, target, "HTTP/1.1", ListHeaders.of(headers));
        return new Exchange("r1", head, new ClientInfo(InetAddress.getByName(ip), 1234, "http", "", ""), 0);
    }

    private static Exchange get(String ip, String... headers) throws Exception {
        return ex(ip, "GET", "/", headers);
    }

    private static boolean allowed(RateLimitStage s, Exchange e) {
        return s.onRequest(e) instanceof Verdict.Continue;
    }

    @Test
    void exactBucketBehaviourWithHeaders() throws Exception {
        RateLimitStage s = stage(policy("api", List.of(KeyPart.ADDRESS), Limit.of(3, Duration.ofSeconds(10))));
        for (int i = 0; i < 3; i++) {
            Exchange e = get("192.0.2.1");
            assertSame(Verdict.CONTINUE, s.onRequest(e));
            RateLimitStatus st = e.attrs().get(GuardAttrs.RATE_LIMIT);
            assertEquals(2 - i, st.remaining());
            assertEquals("\"api\";q=3;w=10", st.policyHeader());
        }
        Exchange over = get("192.0.2.1");
        Verdict v = s.onRequest(over);
        Verdict.Respond r = assertInstanceOf(Verdict.Respond.class, v);
        assertEquals(429, r.status());
        assertEquals("api", r.ruleId());
        // One token comes back every 10/3 s.
        assertEquals(4L, over.attrs().get(GuardAttrs.RETRY_AFTER));
        assertEquals("\"api\";r=0;t=4", over.attrs().get(GuardAttrs.RATE_LIMIT).header());
        assertEquals(3, s.allowed("api"));
        assertEquals(1, s.limited("api"));

        assertTrue(allowed(s, get("192.0.2.2")), "another address has its own bucket");
        clock.advance(Duration.ofMillis(3333));
        assertTrue(!allowed(s, get("192.0.2.1")), "not quite refilled");
        clock.advance(Duration.ofMillis(1));
        assertTrue(allowed(s, get("192.0.2.1")), "one token back after 10/3 s");
        clock.advance(Duration.ofSeconds(10));
        for (int i = 0; i < 3; i++) {
            assertTrue(allowed(s, get("192.0.2.1")), "full again after the period: " + i);
        }
        assertTrue(!allowed(s, get("192.0.2.1")));
    }

    @Test
    void burstAboveTheRate() throws Exception {
        RateLimitStage s = stage(policy("b", List.of(KeyPart.ADDRESS), new Limit(1, Duration.ofSeconds(1), 5)));
        for (int i = 0; i < 5; i++) {
            assertTrue(allowed(s, get("192.0.2.1")));
        }
        assertTrue(!allowed(s, get("192.0.2.1")));
        clock.advance(Duration.ofSeconds(1));
        assertTrue(allowed(s, get("192.0.2.1")));
        assertTrue(!allowed(s, get("192.0.2.1")));
    }

    @Test
    void everyBandwidthOfAPolicyMustFit() throws Exception {
        RateLimitStage s = stage(policy("two", List.of(KeyPart.ADDRESS), Limit.of(2, Duration.ofSeconds(1)),
                Limit.of(3, Duration.ofMinutes(1))));
        assertTrue(allowed(s, get("192.0.2.1")));
        assertTrue(allowed(s, get("192.0.2.1")));
        assertTrue(!allowed(s, get("192.0.2.1")), "per-second limit");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(allowed(s, get("192.0.2.1")));
        clock.advance(Duration.ofSeconds(1));
        Exchange e = get("192.0.2.1");
        assertTrue(!allowed(s, e), "per-minute limit although the per-second bucket is full");
        assertTrue(e.attrs().get(GuardAttrs.RETRY_AFTER) >= 17, "waits for the minute bucket");
    }

    @Test
    void headerAndCookieKeysAndMissingPartsAreNotCounted() throws Exception {
        RateLimitStage s = stage(policy("key", List.of(KeyPart.parse("header:X-Api-Key")), Limit.of(1, Duration.ofMinutes(1))),
                policy("sess", List.of(KeyPart.parse("cookie:session")), Limit.of(1, Duration.ofMinutes(1))));
        assertTrue(allowed(s, get("192.0.2.1", "X-Api-Key", "k1")));
        assertTrue(!allowed(s, get("192.0.2.2", "x-api-key", "k1")), "same key from another address");
        assertTrue(allowed(s, get("192.0.2.1", "X-Api-Key", "k2")));
        for (int i = 0; i < 5; i++) {
            assertTrue(allowed(s, get("192.0.2.1")), "no key, not counted");
        }
        assertTrue(allowed(s, get("192.0.2.1", "Cookie", "a=1; session=abc; b=2")));
        assertTrue(!allowed(s, get("192.0.2.9", "Cookie", "session=abc")));
        assertTrue(allowed(s, get("192.0.2.9", "Cookie", "session=abd")));
        assertTrue(allowed(s, get("192.0.2.9", "Cookie", "xsession=abc")));
    }

    @Test
    void combinedKeysSeparateTheirParts() throws Exception {
        RateLimitStage s = stage(policy("combo", List.of(KeyPart.ADDRESS, KeyPart.parse("path"), KeyPart.parse("method")),
                Limit.of(1, Duration.ofMinutes(1))));
        assertTrue(allowed(s, ex("192.0.2.1", "GET", "/a")));
        assertTrue(!allowed(s, ex("192.0.2.1", "GET", "/a?x=1")), "query is not part of the path");
        assertTrue(!allowed(s, ex("192.0.2.1", "GET", "//a")), "normalized path");
        assertTrue(allowed(s, ex("192.0.2.1", "POST", "/a")));
        assertTrue(allowed(s, ex("192.0.2.1", "GET", "/b")));
        assertTrue(allowed(s, ex("192.0.2.2", "GET", "/a")));
    }

    @Test
    void scopesByMethodHostPathAndRoute() throws Exception {
        Limit one = Limit.of(1, Duration.ofMinutes(1));
        RateLimitStage s = stage(scoped("m", null, null, List.of("post"), null, one));
        assertTrue(allowed(s, ex("192.0.2.1", "GET", "/")));
        assertTrue(allowed(s, ex("192.0.2.1", "GET", "/")));
        assertTrue(allowed(s, ex("192.0.2.1", "POST", "/")));
        assertTrue(!allowed(s, ex("192.0.2.1", "POST", "/")));

        s = stage(scoped("h", null, List.of("*.example.com", "api.test"), null, null, one));
        assertTrue(allowed(s, get("192.0.2.1", "Host", "example.com")));
        assertTrue(allowed(s, get("192.0.2.1", "Host", "example.com")));
        assertTrue(allowed(s, get("192.0.2.1", "Host", "www.Example.com:8443")));
        assertTrue(!allowed(s, get("192.0.2.1", "Host", "shop.example.com")));
        assertTrue(allowed(s, get("192.0.2.2", "Host", "api.test.")));
        assertTrue(!allowed(s, get("192.0.2.2", "Host", "api.test:80")));

        s = stage(scoped("p", null, null, null, List.of("/login"), one));
        assertTrue(allowed(s, ex("192.0.2.1", "GET", "/loginx")));
        assertTrue(allowed(s, ex("192.0.2.1", "GET", "/login")));
        assertTrue(!allowed(s, ex("192.0.2.1", "GET", "/%6cogin")), "encoding does not escape the scope");
        assertTrue(!allowed(s, ex("192.0.2.1", "GET", "/x/../login/")));

        s = stage(scoped("r", List.of("api"), null, null, null, one));
        Exchange a = get("192.0.2.1");
        a.route("api");
        assertTrue(allowed(s, a));
        Exchange b = get("192.0.2.1");
        b.route("static");
        assertTrue(allowed(s, b));
        Exchange c = get("192.0.2.1");
        c.route("api");
        assertTrue(!allowed(s, c));
    }

    @Test
    void detectOnlyCountsButLetsThrough() throws Exception {
        RateLimitPolicy p = new RateLimitPolicy("watch", List.of(KeyPart.ADDRESS), List.of(Limit.of(1, Duration.ofMinutes(1))),
                null, null, null, null, true, false, 1000);
        RateLimitStage s = stage(p);
        assertTrue(allowed(s, get("192.0.2.1")));
        Exchange e = get("192.0.2.1");
        assertTrue(allowed(s, e));
        assertEquals("watch", e.attrs().get(GuardAttrs.RATE_LIMIT_DETECTED));
        assertNull(e.attrs().get(GuardAttrs.RETRY_AFTER));
        assertEquals(1, s.limited("watch"));
    }

    @Test
    void clientsThatKeepGettingRefusedAreBanned() throws Exception {
        BanList bans = new BanList(new GuardConfig.Bans(true, 3, Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofHours(1), Duration.ofHours(24), 1000), 64, clock);
        RateLimitPolicy p = new RateLimitPolicy("strict", List.of(KeyPart.ADDRESS), List.of(Limit.of(1, Duration.ofMinutes(1))),
                null, null, null, null, false, true, 1000);
        RateLimitStage s = stage(bans, p);
        BanCheckStage check = new BanCheckStage(bans);
        assertTrue(allowed(s, get("192.0.2.1")));
        for (int i = 0; i < 3; i++) {
            assertTrue(!allowed(s, get("192.0.2.1")));
        }
        assertTrue(bans.isBanned(InetAddress.getByName("192.0.2.1")));
        Exchange e = get("192.0.2.1");
        Verdict.Respond r = assertInstanceOf(Verdict.Respond.class, check.onRequest(e));
        assertEquals(429, r.status());
        assertEquals(60L, e.attrs().get(GuardAttrs.RETRY_AFTER));
        assertSame(Verdict.CONTINUE, check.onRequest(get("192.0.2.2")));
    }

    @Test
    void keysAreBoundedAndIdleBucketsExpire() throws Exception {
        RateLimitPolicy p = new RateLimitPolicy("many", List.of(KeyPart.parse("header:X-Key")),
                List.of(Limit.of(10, Duration.ofSeconds(1))), null, null, null, null, false, false, 100);
        RateLimitStage s = stage(p);
        for (int i = 0; i < 5000; i++) {
            s.onRequest(get("192.0.2.1", "X-Key", "k" + i));
        }
        assertTrue(s.keys("many") <= 100, "keys: " + s.keys("many"));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(0, s.keys("many"));
    }

    @Test
    void noPoliciesIsAFreeContinue() throws Exception {
        RateLimitStage s = stage();
        assertTrue(s.isEmpty());
        Exchange e = get("192.0.2.1");
        assertSame(Verdict.CONTINUE, s.onRequest(e));
        assertNull(e.attrs().get(GuardAttrs.RATE_LIMIT));
    }
}
