package dev.palisade.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The top-blocked table stays bounded whatever addresses an attacker brings. */
class TopAddressesTest {

    @Test
    void staysBoundedUnder100kDistinctAddressesAndKeepsTheHeavyHitter() {
        TopAddresses top = new TopAddresses(1024);
        for (int i = 0; i < 100_000; i++) {
            top.add("10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff));
            if (i % 100 == 0) {
                top.add("203.0.113.66");
            }
        }
        assertTrue(top.size() <= 1024, "held: " + top.size());
        List<TopAddresses.Entry> list = top.top(10);
        assertTrue(list.size() <= 10);
        assertEquals("203.0.113.66", list.get(0).address());
        assertTrue(list.get(0).count() > 500, "count: " + list.get(0).count());
    }

    @Test
    void ordersByCount() {
        TopAddresses top = new TopAddresses(16);
        for (int i = 0; i < 3; i++) {
            top.add("192.0.2.3");
        }
        top.add("192.0.2.1");
        top.add("192.0.2.2");
        top.add("192.0.2.2");
        assertEquals(List.of(new TopAddresses.Entry("192.0.2.3", 3), new TopAddresses.Entry("192.0.2.2", 2)), top.top(2));
    }
}
