package dev.palisade.balance;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.palisade.config.HostPort;

/**
 * The last good DNS answer for one configured server name. A failed lookup never empties it: the
 * group keeps sending to the addresses it had, and the failures are counted for the log.
 */
final class ResolvedName {

    private final HostPort name;
    private volatile List<String> addresses = List.of();
    private final AtomicInteger failures = new AtomicInteger();

    ResolvedName(HostPort name) {
        this.name = name;
    }

    HostPort name() {
        return name;
    }

    /** The addresses as IP literals, sorted; empty before the first answer. */
    List<String> addresses() {
        return addresses;
    }

    /** Stores a successful answer; true when the set of addresses changed. */
    synchronized boolean update(List<InetAddress> answer) {
        failures.set(0);
        List<String> next = new ArrayList<>(answer.size());
        for (InetAddress a : answer) {
            String ip = a.getHostAddress();
            int scope = ip.indexOf('%');
            next.add(scope < 0 ? ip : ip.substring(0, scope));
        }
        next = next.stream().distinct().sorted().toList();
        if (next.equals(addresses)) {
            return false;
        }
        addresses = next;
        return true;
    }

    /** Failed lookups in a row, 0 after a success. */
    int failures() {
        return failures.get();
    }

    /** Counts a failed lookup; returns the failures in a row, this one included. */
    int failed() {
        return failures.incrementAndGet();
    }
}
