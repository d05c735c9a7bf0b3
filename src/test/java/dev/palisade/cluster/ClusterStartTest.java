package dev.palisade.cluster;

import static dev.palisade.cluster.ClusterTest.eventually;
import static dev.palisade.cluster.ClusterTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

import dev.palisade.config.ConfigLoader;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.server.PalisadeServer;
import dev.palisade.testing.TestOrigin;

/** A node whose Redis is missing, refuses its password, or stalls: it starts, serves on local state, and says so. */
@Timeout(120)
class ClusterStartTest {

    static PalisadeConfig node(TestOrigin origin, String redis, boolean admin) throws Exception {
        return ConfigLoader.parse("""
                listeners: [{name: http, bind: 127.0.0.1:0}]
                origins: {app: {servers: [127.0.0.1:%d]}}
                admin: {enabled: %s, bind: 127.0.0.1:0}
                log: {access: off, security: off}
                guard:
                  rate_limits:
                    - {name: shared, key: ["header:X-Client"], limits: [100/min], paths: [/api/]}
                cluster:
                  redis: %s
                  node_id: lone
                  connect_timeout: 500ms
                  command_timeout: 200ms
                  fallback_after: 400ms
                """.formatted(origin.port(), admin, redis), "test.yaml", null, Path.of("."));
    }

    @Test
    void unreachableAtStartTheNodeServesLocallySaysSoAndJoinsWhenRedisAppears() throws Exception {
        TestRedis later = new TestRedis();
        later.stop();
        try (TestOrigin origin = new TestOrigin(); PalisadeServer n = PalisadeServer.start(node(origin, later.uri(), true))) {
            assertTrue(eventually(() -> n.cluster().status().detail().contains("unreachable")),
                    n.cluster().status().detail());
            assertFalse(n.cluster().sharing());
            assertEquals(200, get(n, "127.0.0.1", "/api/x", "c"), "serves on local buckets");
            String ready = readyz(n);
            assertTrue(ready.contains("\"ready\":true") && ready.contains("\"state\":\"local\"")
                    && ready.contains("unreachable"), ready);
            later.start();
            try {
                assertTrue(eventually(() -> n.cluster().sharing()), "connects once Redis is there");
                assertTrue(readyz(n).contains("\"state\":\"shared\""), readyz(n));
            } finally {
                later.close();
            }
        }
    }

    @Test
    void aWrongPasswordIsReportedAndTheNodeServes() throws Exception {
        try (TestRedis redis = new TestRedis("right-password-0123"); TestOrigin origin = new TestOrigin()) {
            String wrong = "redis://:wrong-password@127.0.0.1:" + redis.port();
            try (PalisadeServer n = PalisadeServer.start(node(origin, wrong, false))) {
                assertTrue(eventually(() -> n.cluster().status().detail().contains("authentication refused")),
                        n.cluster().status().detail());
                assertFalse(n.cluster().status().redis().contains("wrong-password"), "the password is not shown");
                assertEquals(200, get(n, "127.0.0.1", "/api/x", "c"));
            }
            String right = "redis://:right-password-0123@127.0.0.1:" + redis.port();
            try (PalisadeServer n = PalisadeServer.start(node(origin, right, false))) {
                assertTrue(eventually(() -> n.cluster().sharing()), n.cluster().status().detail());
            }
        }
    }

    @Test
    void aStalledRedisCostsEachRequestAtMostTheCommandTimeoutThenTheNodeFallsBack() throws Exception {
        try (TestRedis redis = new TestRedis(); TestOrigin origin = new TestOrigin();
             PalisadeServer n = PalisadeServer.start(node(origin, redis.uri(), false))) {
            assertTrue(eventually(() -> n.cluster().sharing()));
            assertEquals(200, get(n, "127.0.0.1", "/api/x", "c"));
            RedisClient admin = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> c = admin.connect()) {
                // Redis stops answering anyone for 3 s
                c.async().dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add(3));
                Thread.sleep(50);
                int answered = 0;
                for (int i = 0; i < 10; i++) {
                    answered += get(n, "127.0.0.1", "/api/x", "c") == 200 ? 1 : 0;
                }
                assertEquals(10, answered, "every request answered from the local bucket");
                assertFalse(n.cluster().sharing(), "fell back while Redis stalls");
                assertTrue(n.cluster().status().errors() > 0);
                assertTrue(eventually(() -> n.cluster().sharing()), "shares again once Redis answers");
            } finally {
                admin.shutdown(0, 1, TimeUnit.SECONDS);
            }
        }
    }

    static String readyz(PalisadeServer n) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + n.admin().port() + "/readyz")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
