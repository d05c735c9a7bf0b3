package dev.palisade.pipeline;

/**
 * One request and what the stages learned about it. Not thread-safe: an exchange lives on the event
 * loop of its client connection, like a Coraza transaction.
 */
public final class Exchange {

    private final String requestId;
    private final RequestHead request;
    private final ClientInfo client;
    private final long startNanos;
    private final Attrs attrs = new Attrs();
    private String route = "";
    private byte[] body;
    private String origin = "";

    public Exchange(String requestId, RequestHead request, ClientInfo client, long startNanos) {
        this.requestId = requestId;
        this.request = request;
        this.client = client;
        this.startNanos = startNanos;
    }

    public String requestId() {
        return requestId;
    }

    public RequestHead request() {
        return request;
    }

    public ClientInfo client() {
        return client;
    }

    /** {@link System#nanoTime()} when the request head was complete. */
    public long startNanos() {
        return startNanos;
    }

    public Attrs attrs() {
        return attrs;
    }

    /** The name of the route that matched, empty before routing. */
    public String route() {
        return route;
    }

    public void route(String name) {
        this.route = name == null ? "" : name;
    }

    /**
     * The request body prefix captured for inspection, or null when body inspection is off or the
     * request has no body. Bounded by the configured inspection limit.
     */
    public byte[] body() {
        return body;
    }

    public void body(byte[] prefix) {
        this.body = prefix;
    }

    /** The origin server chosen for this request ("host:port"), empty before origin selection. */
    public String origin() {
        return origin;
    }

    public void origin(String hostPort) {
        this.origin = hostPort == null ? "" : hostPort;
    }
}
