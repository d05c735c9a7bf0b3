package dev.palisade.rules.operator;

/**
 * {@code > N}, {@code >= N}, {@code < N}, {@code <= N}, {@code == N}, {@code != N}: the value read as a
 * whole number (usually {@code length(...)} or {@code count(...)}) compared with N. A value that is not
 * a number never matches.
 */
final class Compare implements Operator {

    enum Op { EQ, NE, GT, GE, LT, LE }

    private final Op op;
    private final long n;

    Compare(Op op, long n) {
        this.op = op;
        this.n = n;
    }

    @Override
    public boolean test(String value) {
        String s = value.trim();
        if (s.isEmpty() || s.length() > 18) {
            return s.length() > 18 && isDigits(s) && (op == Op.GT || op == Op.GE || op == Op.NE);
        }
        if (!isDigits(s)) {
            return false;
        }
        long v = Long.parseLong(s);
        return switch (op) {
            case EQ -> v == n;
            case NE -> v != n;
            case GT -> v > n;
            case GE -> v >= n;
            case LT -> v < n;
            case LE -> v <= n;
        };
    }

    private static boolean isDigits(String s) {
        int i = s.startsWith("-") ? 1 : 0;
        if (i == s.length()) {
            return false;
        }
        for (; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
