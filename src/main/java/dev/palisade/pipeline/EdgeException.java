package dev.palisade.pipeline;

/**
 * A failure with a kind. Hot reject paths create many of these, so no stack trace is filled in
 * unless a cause carries one.
 */
public final class EdgeException extends RuntimeException {

    private final ErrorKind kind;

    public EdgeException(ErrorKind kind, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
    }

    public EdgeException(ErrorKind kind, String detail, Throwable cause) {
        super(detail, cause, false, false);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
