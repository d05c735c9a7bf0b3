package dev.palisade.pipeline;

/**
 * Every way a request can fail, with who is to blame and the status the client sees. The mapping lives
 * here, in one place, so the client never learns more than the status.
 */
public enum ErrorKind {
    BAD_REQUEST(Source.CLIENT, 400),
    URI_TOO_LONG(Source.CLIENT, 414),
    HEADERS_TOO_LARGE(Source.CLIENT, 431),
    REQUEST_TIMEOUT(Source.CLIENT, 408),
    BODY_TOO_LARGE(Source.CLIENT, 413),
    METHOD_NOT_ALLOWED(Source.CLIENT, 405),
    VERSION_NOT_SUPPORTED(Source.CLIENT, 505),
    EXPECTATION_FAILED(Source.CLIENT, 417),
    CLIENT_CLOSED(Source.CLIENT, 0),
    NO_ROUTE(Source.CLIENT, 404),
    ORIGIN_CONNECT(Source.ORIGIN, 502),
    ORIGIN_TIMEOUT(Source.ORIGIN, 504),
    ORIGIN_PROTOCOL(Source.ORIGIN, 502),
    ORIGIN_CLOSED(Source.ORIGIN, 502),
    ORIGIN_UNAVAILABLE(Source.ORIGIN, 503),
    OVERLOADED(Source.INTERNAL, 503),
    INTERNAL(Source.INTERNAL, 500);

    /** Who caused the failure. */
    public enum Source { CLIENT, ORIGIN, INTERNAL }

    private final Source source;
    private final int status;

    ErrorKind(Source source, int status) {
        this.source = source;
        this.status = status;
    }

    public Source source() {
        return source;
    }

    /** The status the client sees; 0 means close without a response. */
    public int status() {
        return status;
    }
}
