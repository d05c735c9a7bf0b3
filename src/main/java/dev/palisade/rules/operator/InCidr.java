package dev.palisade.rules.operator;

import java.util.ArrayList;
import java.util.List;

import dev.palisade.config.Cidr;

/** {@code in cidr ["10.0.0.0/8", "2001:db8::/32"]} (or a list file): the value is an IP address inside a block. */
final class InCidr implements Operator {

    private final Cidr[] blocks;

    InCidr(List<String> items) {
        List<Cidr> out = new ArrayList<>();
        for (String s : items) {
            out.add(Cidr.parse(s));
        }
        this.blocks = out.toArray(new Cidr[0]);
    }

    @Override
    public boolean test(String value) {
        if (value.length() > 64) {
            return false;
        }
        String v = value;
        if (v.startsWith("[") && v.endsWith("]")) {
            v = v.substring(1, v.length() - 1);
        }
        byte[] addr = Cidr.literal(v.trim());
        if (addr == null) {
            return false;
        }
        for (Cidr c : blocks) {
            if (c.contains(addr)) {
                return true;
            }
        }
        return false;
    }
}
