package dev.palisade.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.palisade.balance.Router;
import dev.palisade.config.ConfigLoader;
import dev.palisade.config.PalisadeConfig;
import io.netty.channel.EventLoopGroup;

/** A reload hands the health state to the new router, and the new services carry on checking. */
@Timeout(30)
class OriginServicesTest {

    private static String state(Router r) {
        return r.snapshot().get(0).servers().get(0).state();
    }

    private static void await(Router r, String want) throws InterruptedException {
        while (!state(r).equals(want)) {
            Thread.sleep(10);
        }
    }

    @Test
    void stateSurvivesAReloadAndTheNewServicesTakeOver() throws Exception {
        EventLoopGroup loops = Transports.newGroup(1, "services-test");
        try (SwitchableOrigin a = new SwitchableOrigin(); SwitchableOrigin b = new SwitchableOrigin()) {
            String yaml = """
                    listeners:
                      - bind: 127.0.0.1:0
                    origins:
                      app:
                        servers: [%s, %s]
                        health_check: {path: /health, interval: 50ms, timeout: 1s, rise: 2, fall: 2}
                    """.formatted(a.hostPort(), b.hostPort());
            PalisadeConfig cfg = ConfigLoader.parse(yaml, "palisade.yaml", null, Path.of("."));
            Router first = new Router(cfg);
            OriginServices services = OriginServices.start(first, loops, java.util.Map.of());
            a.kill();
            await(first, "down");

            Router second = new Router(cfg, first);
            OriginServices next = OriginServices.start(second, loops, java.util.Map.of());
            services.close();
            assertEquals("down", state(second), "the reload did not forget that the server is down");
            a.revive();
            await(second, "up");
            next.close();
        } finally {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
