package dev.palisade.forward;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.palisade.balance.OriginGroup;
import dev.palisade.config.HostPort;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.resolver.dns.DnsCache;
import io.netty.resolver.dns.DnsCacheEntry;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.util.concurrent.Future;

/**
 * Keeps origin servers given by name resolved: each name is looked up with Netty's asynchronous
 * {@link DnsNameResolver} and looked up again when the shortest TTL of its answer runs out (between
 * {@link #MIN_REFRESH_NANOS} and {@link #MAX_REFRESH_NANOS}; hosts-file names every
 * {@link #DEFAULT_REFRESH_NANOS}). Answers go to {@link OriginGroup#resolved}, which turns the name into
 * one server per address (IPv4 ones when the answer has any, else IPv6). A failed lookup goes to {@link OriginGroup#resolveFailed}: the group keeps its
 * last good addresses, the log says so, and the lookup is retried with a growing delay.
 *
 * <p>Nothing here blocks an event loop: the lookups and timers run on one loop of the given group.
 */
public final class DnsRefresher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DnsRefresher.class);

    static final long MIN_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long MAX_REFRESH_NANOS = TimeUnit.MINUTES.toNanos(5);
    static final long DEFAULT_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(30);
    static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final List<Name> names = new ArrayList<>();
    private volatile boolean closed;

    private DnsRefresher() {
    }

    /** Starts resolving every name of every group now, each on its own schedule afterwards. */
    public static DnsRefresher start(Collection<OriginGroup> groups, EventLoopGroup loops) {
        return start(groups, loops, null);
    }

    /** As {@link #start(Collection, EventLoopGroup)}, asking the given name servers (tests). */
    static DnsRefresher start(Collection<OriginGroup> groups, EventLoopGroup loops, DnsServerAddressStreamProvider servers) {
        DnsRefresher r = new DnsRefresher();
        for (OriginGroup g : groups) {
            for (HostPort hp : g.names()) {
                EventLoop loop = loops.next();
                Name n = r.new Name(g, hp, loop, servers);
                r.names.add(n);
                loop.execute(n::lookup);
            }
        }
        return r;
    }

    /** One configured name of one group, with its own resolver so the TTLs it sees are its own. */
    private final class Name {
        private final OriginGroup group;
        private final HostPort name;
        private final EventLoop loop;
        private final TtlCapture ttl = new TtlCapture();
        private final DnsNameResolver resolver;
        private long retryNanos = MIN_REFRESH_NANOS;

        Name(OriginGroup group, HostPort name, EventLoop loop, DnsServerAddressStreamProvider servers) {
            this.group = group;
            this.name = name;
            this.loop = loop;
            DnsNameResolverBuilder b = new DnsNameResolverBuilder(loop)
                    .datagramChannelType(Transports.datagramChannel())
                    .resolveCache(ttl)
                    .cnameCache(NoopDnsCnameCache.INSTANCE)
                    .queryTimeoutMillis(2000);
            if (servers != null) {
                b.nameServerProvider(servers);
            }
            this.resolver = b.build();
        }

        void lookup() {
            if (closed) {
                return;
            }
            ttl.reset();
            resolver.resolveAll(name.host()).addListener((Future<List<InetAddress>> f) -> {
                if (closed) {
                    return;
                }
                long next;
                if (f.isSuccess() && !f.getNow().isEmpty()) {
                    retryNanos = MIN_REFRESH_NANOS;
                    group.resolved(name, preferIpv4(f.getNow()));
                    long seen = ttl.minSeconds();
                    next = seen < 0 ? DEFAULT_REFRESH_NANOS
                            : Math.max(MIN_REFRESH_NANOS, Math.min(MAX_REFRESH_NANOS, TimeUnit.SECONDS.toNanos(seen)));
                } else {
                    Throwable c = f.cause();
                    group.resolveFailed(name, c == null ? "no addresses" : String.valueOf(c.getMessage()));
                    log.debug("lookup of {} failed; next try in {} ms", name.host(), retryNanos / 1_000_000);
                    next = retryNanos;
                    retryNanos = Math.min(MAX_RETRY_NANOS, retryNanos * 2);
                }
                loop.schedule(this::lookup, next, TimeUnit.NANOSECONDS);
            });
        }

        void close() {
            try {
                loop.execute(resolver::close);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                resolver.close();
            }
        }
    }

    /**
     * The IPv4 addresses of an answer when it has any, else the IPv6 ones (Envoy's {@code V4_PREFERRED}):
     * "localhost" answering both 127.0.0.1 and ::1 must not send half the traffic to a family the
     * origin may not listen on.
     */
    static List<InetAddress> preferIpv4(List<InetAddress> answer) {
        List<InetAddress> v4 = new ArrayList<>(answer.size());
        for (InetAddress a : answer) {
            if (a instanceof java.net.Inet4Address) {
                v4.add(a);
            }
        }
        return v4.isEmpty() ? answer : v4;
    }

    /**
     * A resolver cache that caches nothing (every lookup asks the name server) and remembers the
     * smallest TTL the last lookup's answers carried.
     */
    static final class TtlCapture implements DnsCache {
        private final AtomicLong min = new AtomicLong(Long.MAX_VALUE);

        void reset() {
            min.set(Long.MAX_VALUE);
        }

        /** The smallest TTL seen since {@link #reset}, in seconds, or -1 when none was seen. */
        long minSeconds() {
            long m = min.get();
            return m == Long.MAX_VALUE ? -1 : m;
        }

        @Override
        public void clear() {
        }

        @Override
        public boolean clear(String hostname) {
            return false;
        }

        @Override
        public List<? extends DnsCacheEntry> get(String hostname, DnsRecord[] additionals) {
            return null;
        }

        @Override
        public DnsCacheEntry cache(String hostname, DnsRecord[] additionals, InetAddress address, long originalTtl,
                                   EventLoop loop) {
            min.accumulateAndGet(originalTtl, Math::min);
            return new Entry(address, null);
        }

        @Override
        public DnsCacheEntry cache(String hostname, DnsRecord[] additionals, Throwable cause, EventLoop loop) {
            return new Entry(null, cause);
        }

        private record Entry(InetAddress address, Throwable cause) implements DnsCacheEntry {}
    }

    /** Stops the lookups and closes the resolvers; the groups keep the addresses they have. */
    @Override
    public void close() {
        closed = true;
        for (Name n : names) {
            n.close();
        }
    }
}
