package dev.palisade.guard.flood;

import java.time.Duration;

import dev.palisade.guard.GuardAttrs;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.RequestStage;
import dev.palisade.pipeline.Verdict;

/**
 * The first request stage: a request from a banned client gets 429 with {@code Retry-After} set to the
 * rest of the ban. The gate already resets new connections of a banned address; this stage catches the
 * keep-alive connections it opened before the ban, and clients that reach Palisade through a trusted
 * proxy (whose own address the gate sees). Answering instead of dropping keeps a shared proxy connection
 * usable for the other clients on it.
 */
public final class BanCheckStage implements RequestStage {

    private final BanList bans;

    public BanCheckStage(BanList bans) {
        this.bans = bans;
    }

    @Override
    public String name() {
        return "ban";
    }

    @Override
    public Verdict onRequest(Exchange ex) {
        Duration left = bans.remaining(ex.client().address());
        if (left == null) {
            return Verdict.CONTINUE;
        }
        ex.attrs().put(GuardAttrs.RETRY_AFTER, Math.max(1, (left.toMillis() + 999) / 1000));
        return new Verdict.Respond(429, "client is banned", "ban");
    }
}
