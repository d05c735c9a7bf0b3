package dev.palisade.rules.detect;

public final class SqliDetector {
    private SqliDetector() {}
    public static boolean isSqli(String s) { return false; }
}
