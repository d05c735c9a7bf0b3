package dev.palisade.rules;

/**
 * One value a field yielded, with its name for the log and for exclusions ({@code args:q}).
 */
public record Value(String name, String text) {}
