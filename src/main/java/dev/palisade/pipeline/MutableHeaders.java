package dev.palisade.pipeline;

/** Headers a stage may change; handed out only in the upstream-request and response phases. */
public interface MutableHeaders extends Headers {

    void set(String name, String value);

    void add(String name, String value);

    /** Removes every field named {@code name}; returns whether any was present. */
    boolean remove(String name);
}
