package dev.palisade.server;

/** The server could not start: a port in use, an address that does not exist here, a bad certificate. */
public final class StartException extends Exception {

    public StartException(String message) {
        super(message, null, false, false);
    }
}
