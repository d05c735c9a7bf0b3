package dev.palisade.rules;

/**
 * A {@code test block:} or {@code test pass:} line inside a rule: a request the rule must match (block)
 * or must not match (pass).
 */
public record TestCase(boolean expectMatch, TestRequest request, String file, int line) {}
