package dev.palisade.server;

import dev.palisade.pipeline.ErrorKind;

/**
 * Sent down the pipeline by {@link StrictRequestDecoder} instead of a request when the bytes cannot be
 * read as exactly one unambiguous request. The decoder stops reading; the connection is answered once
 * and closed.
 *
 * @param kind   maps to the status the client sees
 * @param detail for the log only
 */
record DecodeFailure(ErrorKind kind, String detail) {
}
