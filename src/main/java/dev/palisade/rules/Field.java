package dev.palisade.rules;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every request field a rule can read, in one visible list. A field yields zero or more named values;
 * a collection ({@code args}, {@code headers}) yields one per item, and a condition holds when any
 * value matches. Value names ({@code args:q}, {@code headers:referer}) are what the security log prints
 * and what exclusions name.
 */
public enum Field {
    METHOD("method", false, false),
    PATH("path", false, false),
    QUERY("query", false, false),
    TARGET("target", false, false),
    VERSION("version", false, false),
    FILENAME("filename", false, false),
    ARGS("args", false, true),
    ARG("arg", true, true),
    ARG_NAMES("arg_names", false, true),
    HEADERS("headers", false, false),
    HEADER("header", true, false),
    HEADER_NAMES("header_names", false, false),
    COOKIES("cookies", false, false),
    COOKIE("cookie", true, false),
    COOKIE_NAMES("cookie_names", false, false),
    HOST("host", false, false),
    USER_AGENT("user_agent", false, false),
    CLIENT_IP("client_ip", false, false),
    TLS_VERSION("tls_version", false, false),
    SNI("sni", false, false),
    CLIENT_CERT_SUBJECT("client_cert_subject", false, false),
    CLIENT_CERT_ISSUER("client_cert_issuer", false, false),
    CLIENT_CERT_FINGERPRINT("client_cert_fingerprint", false, false),
    CLIENT_CERT_VERIFIED("client_cert_verified", false, false),
    FILES("files", false, true),
    BODY("body", false, true);

    private static final Map<String, Field> BY_NAME = new LinkedHashMap<>();

    static {
        for (Field f : values()) {
            BY_NAME.put(f.ruleName, f);
        }
    }

    private final String ruleName;
    private final boolean takesName;
    private final boolean readsBody;

    Field(String ruleName, boolean takesName, boolean readsBody) {
        this.ruleName = ruleName;
        this.takesName = takesName;
        this.readsBody = readsBody;
    }

    /** The name a rule uses. */
    public String ruleName() {
        return ruleName;
    }

    /** Whether the field is written with a name in parentheses: {@code header("User-Agent")}. */
    public boolean takesName() {
        return takesName;
    }

    /** Whether the field can read the request body (body arguments, uploaded file names, the raw body). */
    public boolean readsBody() {
        return readsBody;
    }

    public static Field byName(String name) {
        return BY_NAME.get(name.toLowerCase(Locale.ROOT));
    }

    public static java.util.Set<String> names() {
        return BY_NAME.keySet();
    }
}
