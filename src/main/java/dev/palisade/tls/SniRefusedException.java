package dev.palisade.tls;

import javax.net.ssl.SSLException;

/** Strict SNI found no certificate for the name the client asked for. Stackless: clients cause these at will. */
final class SniRefusedException extends SSLException {

    private static final long serialVersionUID = 1L;

    SniRefusedException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
