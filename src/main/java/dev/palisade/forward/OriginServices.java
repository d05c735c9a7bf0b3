package dev.palisade.forward;

import java.util.Map;

import dev.palisade.balance.Router;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;

/**
 * The background work that keeps one router's origin groups current: DNS re-resolution of servers
 * given by name and active health checks. Start one per configuration generation; on reload start the
 * new one, then close the old (the new router has taken over the groups' state).
 */
public final class OriginServices implements AutoCloseable {

    private final DnsRefresher dns;
    private final HealthChecker health;
    private final DnsAddressResolverGroup resolver;

    private OriginServices(DnsRefresher dns, HealthChecker health, DnsAddressResolverGroup resolver) {
        this.dns = dns;
        this.health = health;
        this.resolver = resolver;
    }

    /**
     * Starts both on {@code loops} (the worker event loops are fine: nothing here blocks); health checks of
     * a group in {@code tls} speak TLS with its context.
     */
    public static OriginServices start(Router router, EventLoopGroup loops, Map<String, SslContext> tls) {
        DnsAddressResolverGroup resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(Transports.datagramChannel()));
        DnsRefresher dns = DnsRefresher.start(router.groups().values(), loops);
        HealthChecker health = HealthChecker.start(router.groups().values(), loops, resolver, tls);
        return new OriginServices(dns, health, resolver);
    }

    @Override
    public void close() {
        health.close();
        dns.close();
        resolver.close();
    }
}
