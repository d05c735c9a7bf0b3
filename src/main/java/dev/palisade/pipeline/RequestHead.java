package dev.palisade.pipeline;

/**
 * The request as the client sent it, read-only: method, target split into path and query, version and
 * headers. The body is not here; stages that need it ask for it through {@link Exchange#body()}.
 *
 * @param method  the method token, as sent (already checked to be a token)
 * @param target  the request target as sent (origin form, or absolute form)
 * @param path    the path part of the target, not decoded
 * @param query   the query part without '?', not decoded; empty when absent
 * @param version "HTTP/1.1", "HTTP/1.0" or "HTTP/2"
 * @param headers the header section
 */
public record RequestHead(String method, String target, String path, String query, String version, Headers headers) {

    public RequestHead {
        if (method == null || target == null || path == null || query == null || version == null || headers == null) {
            throw new IllegalArgumentException("request head fields must not be null");
        }
    }

    /** Splits an origin-form or absolute-form target into path and query. */
    public static RequestHead of(String method, String target, String version, Headers headers) {
        String rest = target;
        int scheme = rest.indexOf("://");
        if (scheme > 0 && !rest.startsWith("/")) {
            int slash = rest.indexOf('/', scheme + 3);
            int q = rest.indexOf('?', scheme + 3);
            int start = slash < 0 ? (q < 0 ? rest.length() : q) : (q >= 0 && q < slash ? q : slash);
            rest = rest.substring(start);
            if (rest.isEmpty() || rest.charAt(0) == '?') {
                rest = "/" + rest;
            }
        }
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? "" : rest.substring(q + 1);
        int hash = query.indexOf('#');
        if (hash >= 0) {
            query = query.substring(0, hash);
        }
        return new RequestHead(method, target, path, query, version, headers);
    }

    public String host() {
        String h = headers.get("host");
        return h == null ? "" : h;
    }
}
