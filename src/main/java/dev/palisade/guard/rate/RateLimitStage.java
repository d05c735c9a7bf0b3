package dev.palisade.guard.rate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.config.GuardConfig;
import dev.palisade.guard.GuardAttrs;
import dev.palisade.guard.LogBudget;
import dev.palisade.guard.flood.BanList;
import dev.palisade.pipeline.Exchange;
import dev.palisade.pipeline.RequestStage;
import dev.palisade.pipeline.Verdict;

/**
 * The rate-limit request stage (phase 2, before the rule engine). Each policy whose scope matches the
 * request takes one token from the bucket of the request's key; the first policy over its limit answers
 * {@code 429} with the policy's name as the rule id, and {@link GuardAttrs#RETRY_AFTER} set. A policy in
 * detect-only mode counts and logs instead, and the request goes on. For a policy with {@code ban: true}
 * every 429 is a violation toward a ban of the client address.
 *
 * <p>{@link GuardAttrs#RATE_LIMIT} holds the state of the most constrained matching policy for the
 * RateLimit header fields. Route scopes and {@code route} keys need {@link Exchange#route()} set before
 * this stage runs. Built once from the config and shared; thread-safe.
 */
public final class RateLimitStage implements RequestStage {

    private static final Logger log = LoggerFactory.getLogger(RateLimitStage.class);

    private final List<Policy> policies;
    private final BanList bans;
    private final LogBudget detectLog = new LogBudget(10, "detect-only rate-limit hits");

    private static final class Policy {
        final GuardConfig.RateLimitPolicy config;
        final PolicyMatcher matcher;
        final RateLimitStore.Limiter limiter;
        final long quota;
        final long windowSeconds;
        final String reason;
        final LongAdder allowed = new LongAdder();
        final LongAdder limited = new LongAdder();

        Policy(GuardConfig.RateLimitPolicy config, int ipv6Prefix, RateLimitStore store) {
            this.config = config;
            this.matcher = new PolicyMatcher(config, ipv6Prefix);
            this.limiter = store.limiter(config);
            GuardConfig.Limit first = config.limits().get(0);
            this.quota = first.requests();
            this.windowSeconds = Math.max(1, (first.per().toMillis() + 999) / 1000);
            this.reason = "over rate limit '" + config.name() + "'";
        }
    }

    /**
     * @param guard the guard config: its rate-limit policies and the IPv6 prefix addresses are keyed by
     * @param store where the buckets live
     * @param bans  receives violations of policies with {@code ban: true}; may be null
     */
    public RateLimitStage(GuardConfig guard, RateLimitStore store, BanList bans) {
        List<Policy> list = new ArrayList<>();
        for (GuardConfig.RateLimitPolicy p : guard.rateLimits()) {
            list.add(new Policy(p, guard.gate().ipv6Prefix(), store));
        }
        this.policies = List.copyOf(list);
        this.bans = bans;
    }

    @Override
    public String name() {
        return "rate_limit";
    }

    /** Whether any policy is configured; the server may leave the stage out when not. */
    public boolean isEmpty() {
        return policies.isEmpty();
    }

    /**
     * Takes a token from every matching policy's bucket. When a bucket's answer has to come from a remote
     * store, the verdict is {@link Verdict.Pending} and the remaining policies are looked at once it is in.
     */
    @Override
    public Verdict onRequest(Exchange ex) {
        if (policies.isEmpty()) {
            return Verdict.CONTINUE;
        }
        return evaluate(ex, PathNormalizer.normalize(ex.request().path()), 0, null, null);
    }

    /** Goes through the policies from {@code from}; {@code answered} is the probe of policy {@code from}, when known. */
    private Verdict evaluate(Exchange ex, String path, int from, RateLimitStatus tightestSoFar,
                             RateLimitStore.Probe answered) {
        RateLimitStatus tightest = tightestSoFar;
        for (int i = from; i < policies.size(); i++) {
            Policy p = policies.get(i);
            RateLimitStore.Probe probe;
            if (answered != null && i == from) {
                probe = answered;
            } else {
                if (!p.matcher.applies(ex, path)) {
                    continue;
                }
                String key = p.matcher.key(ex, path);
                if (key == null) {
                    continue;
                }
                CompletableFuture<RateLimitStore.Probe> f = p.limiter.tryConsume(key);
                if (!f.isDone()) {
                    int at = i;
                    RateLimitStatus t = tightest;
                    return new Verdict.Pending(f.thenApply(later -> evaluate(ex, path, at, t, later)));
                }
                probe = f.join();
            }
            long reset = seconds(probe.consumed() ? probe.nanosToFull() : probe.nanosToNext());
            RateLimitStatus status = new RateLimitStatus(p.config.name(), p.quota, p.windowSeconds,
                    probe.remaining(), reset, !probe.consumed());
            if (probe.consumed()) {
                p.allowed.increment();
                if (tightest == null || status.remaining() < tightest.remaining()) {
                    tightest = status;
                }
                continue;
            }
            p.limited.increment();
            if (p.config.ban() && bans != null) {
                bans.recordViolation(ex.client().address(), BanList.Cause.RATE_LIMIT, p.reason);
            }
            if (p.config.detectOnly()) {
                ex.attrs().put(GuardAttrs.RATE_LIMIT_DETECTED, p.config.name());
                if (detectLog.tryAcquire(System.nanoTime(), log)) {
                    log.info("request {} from {} over rate limit '{}' (detect only, let through)", ex.requestId(),
                            ex.client().ip(), p.config.name());
                }
                continue;
            }
            ex.attrs().put(GuardAttrs.RATE_LIMIT, status);
            ex.attrs().put(GuardAttrs.RETRY_AFTER, Math.max(1, reset));
            return new Verdict.Respond(429, p.reason, p.config.name());
        }
        if (tightest != null) {
            ex.attrs().put(GuardAttrs.RATE_LIMIT, tightest);
        }
        return Verdict.CONTINUE;
    }

    private static long seconds(long nanos) {
        return (nanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
    }

    /** Requests counted and let through by {@code policy} since start; -1 for an unknown policy. */
    public long allowed(String policy) {
        for (Policy p : policies) {
            if (p.config.name().equals(policy)) {
                return p.allowed.sum();
            }
        }
        return -1;
    }

    /** Requests over the limit of {@code policy} since start (answered 429, or logged in detect-only mode). */
    public long limited(String policy) {
        for (Policy p : policies) {
            if (p.config.name().equals(policy)) {
                return p.limited.sum();
            }
        }
        return -1;
    }

    /** Keys held by {@code policy} right now; -1 for an unknown policy. */
    public long keys(String policy) {
        for (Policy p : policies) {
            if (p.config.name().equals(policy)) {
                return p.limiter.keys();
            }
        }
        return -1;
    }
}
