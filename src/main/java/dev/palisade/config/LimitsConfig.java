package dev.palisade.config;

/**
 * Size and count limits on what a client may send.
 *
 * @param maxRequestLine          bytes in the request line (414 beyond)
 * @param maxHeaderSize           bytes in the whole header section (431 beyond)
 * @param maxHeaders              header fields (431 beyond)
 * @param maxBody                 request body bytes, 0 for no limit (413 beyond); 100 MiB by default
 * @param maxRequestsPerConnection requests on one keep-alive connection before it is closed
 */
public record LimitsConfig(int maxRequestLine, int maxHeaderSize, int maxHeaders, long maxBody,
                           int maxRequestsPerConnection) {

    public static final LimitsConfig DEFAULTS = new LimitsConfig(8192, 16384, 100, 100L << 20, 10_000);

    public LimitsConfig {
        if (maxRequestLine < 64) {
            throw new IllegalArgumentException("max_request_line: " + maxRequestLine + " (expected: >= 64)");
        }
        if (maxHeaderSize < 256) {
            throw new IllegalArgumentException("max_header_size: " + maxHeaderSize + " (expected: >= 256)");
        }
        if (maxHeaders < 1) {
            throw new IllegalArgumentException("max_headers: " + maxHeaders + " (expected: > 0)");
        }
        if (maxBody < 0) {
            throw new IllegalArgumentException("max_body: " + maxBody + " (expected: >= 0)");
        }
        if (maxRequestsPerConnection < 1) {
            throw new IllegalArgumentException("max_requests_per_connection: " + maxRequestsPerConnection + " (expected: > 0)");
        }
    }

    static LimitsConfig from(ConfigNode n) {
        LimitsConfig d = DEFAULTS;
        int line = (int) n.size("max_request_line", 64, 1 << 20, d.maxRequestLine);
        int head = (int) n.size("max_header_size", 256, 1 << 22, d.maxHeaderSize);
        int count = (int) n.number("max_headers", 1, 10_000, d.maxHeaders);
        long body = n.size("max_body", 0, Long.MAX_VALUE, d.maxBody);
        int perConn = (int) n.number("max_requests_per_connection", 1, Integer.MAX_VALUE, d.maxRequestsPerConnection);
        n.finish();
        return n.build(() -> new LimitsConfig(line, head, count, body, perConn), d);
    }
}
