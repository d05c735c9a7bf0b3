package dev.palisade.headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.owasp.encoder.Encode;

import dev.palisade.config.HeadersConfig;
import dev.palisade.pipeline.MutableHeaders;

/**
 * Palisade's own short error page: the status, its reason phrase and the request id the client can
 * quote to the operator, and nothing else. It never names an origin, an address or a cause; those go to
 * the log. Used by the server's single rejection writer and in place of origin error pages
 * ({@link ErrorPageReplacement}).
 *
 * <p>An operator template ({@code headers.error_pages.template}) may use {@code {{status}}},
 * {@code {{reason}}} and {@code {{request_id}}}; every substituted value is HTML-encoded with the OWASP
 * encoder, even the ones Palisade produces itself. The template is compiled once at config load.
 */
public final class ErrorPages {

    /** The Content-Type the server sends with a page. */
    public static final String CONTENT_TYPE = "text/html; charset=utf-8";

    static final String BUILTIN = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"robots\" content=\"noindex\"><title>{{status}} {{reason}}</title></head>\n"
            + "<body><h1>{{status}} {{reason}}</h1>\n<p>The request could not be completed.</p>\n"
            + "<p>Request id: <code>{{request_id}}</code></p></body></html>\n";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

    private static final ErrorPages DEFAULT = new ErrorPages(BUILTIN);

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
            Map.entry(408, "Request Timeout"), Map.entry(409, "Conflict"), Map.entry(410, "Gone"),
            Map.entry(411, "Length Required"), Map.entry(412, "Precondition Failed"),
            Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
            Map.entry(415, "Unsupported Media Type"), Map.entry(416, "Range Not Satisfiable"),
            Map.entry(417, "Expectation Failed"), Map.entry(421, "Misdirected Request"),
            Map.entry(422, "Unprocessable Content"), Map.entry(425, "Too Early"), Map.entry(426, "Upgrade Required"),
            Map.entry(428, "Precondition Required"), Map.entry(429, "Too Many Requests"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(451, "Unavailable For Legal Reasons"),
            Map.entry(500, "Internal Server Error"), Map.entry(501, "Not Implemented"),
            Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"), Map.entry(505, "HTTP Version Not Supported"),
            Map.entry(507, "Insufficient Storage"), Map.entry(508, "Loop Detected"),
            Map.entry(511, "Network Authentication Required"));

    /** Literal text and placeholder names, alternating: even indexes literal, odd indexes names. */
    private final List<String> parts;

    private ErrorPages(String template) {
        List<String> p = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        int last = 0;
        while (m.find()) {
            if (!HeadersConfig.ErrorPageSettings.PLACEHOLDERS.contains(m.group(1))) {
                throw new IllegalArgumentException("template: unknown placeholder {{" + m.group(1) + "}}");
            }
            p.add(template.substring(last, m.start()));
            p.add(m.group(1));
            last = m.end();
        }
        p.add(template.substring(last));
        this.parts = List.copyOf(p);
    }

    /** The built-in page. */
    public static String render(int status, String requestId) {
        return DEFAULT.page(status, requestId);
    }

    /** The pages for a config: its template when one is set, else the built-in page. */
    public static ErrorPages of(HeadersConfig h) {
        String t = h.errorPages().templateText();
        return t == null ? DEFAULT : new ErrorPages(t);
    }

    /** A page from a template text; placeholders other than status, reason and request_id are refused. */
    public static ErrorPages fromTemplate(String template) {
        return new ErrorPages(template);
    }

    public String page(int status, String requestId) {
        StringBuilder sb = new StringBuilder(512);
        for (int i = 0; i < parts.size(); i++) {
            String s = parts.get(i);
            if (i % 2 == 0) {
                sb.append(s);
                continue;
            }
            String v;
            switch (s) {
                case "status": v = Integer.toString(status); break;
                case "reason": v = reason(status); break;
                default: v = requestId == null ? "" : requestId; break;
            }
            sb.append(Encode.forHtml(v));
        }
        return sb.toString();
    }

    /**
     * Headers that describe the origin's body; they go when the body is replaced. Everything else
     * (Set-Cookie, Retry-After, WWW-Authenticate, the security headers) stays.
     */
    public static final HeaderNameSet REPRESENTATION = HeaderNameSet.of("content-length", "content-type",
            "content-encoding", "content-language", "content-location", "content-range", "content-disposition",
            "content-md5", "content-digest", "repr-digest", "digest", "etag", "last-modified", "transfer-encoding",
            "trailer", "accept-ranges", "expires", "refresh", "link");

    /**
     * Replaces an origin's error body: drops the {@link #REPRESENTATION} headers of the old body, sets
     * Content-Type, Content-Length and {@code Cache-Control: no-store} for the new one, and returns its
     * bytes for the server to write. Call after the response stages, when {@code replaceBody} said so.
     */
    public byte[] replace(MutableHeaders headers, int status, String requestId) {
        byte[] body = page(status, requestId).getBytes(StandardCharsets.UTF_8);
        REPRESENTATION.removeFrom(headers);
        headers.set("Content-Type", CONTENT_TYPE);
        headers.set("Content-Length", Integer.toString(body.length));
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        return body;
    }

    /** The standard reason phrase, or a neutral one for an unlisted status. */
    public static String reason(int status) {
        String r = REASONS.get(status);
        if (r != null) {
            return r;
        }
        return status >= 500 ? "Server Error" : status >= 400 ? "Client Error" : "Error";
    }
}
