package dev.palisade.observe;

/**
 * A security fact about one request, noted by a request stage (the rule engine, the rate limiter) with
 * {@link SecurityLog#note} and written by {@link SecurityLog} when the request is over.
 *
 * @param kind    {@code block}, {@code detect} (detect-only match, the request went on), {@code rate_limit},
 *                or the rule engine's other actions: {@code log}, {@code score}, {@code allow}
 * @param rule    the rule id or rate-limit policy name
 * @param message the rule's message, for the operator
 * @param field   the field that matched ({@code args.q}, {@code header.user-agent}, ...), empty when none
 * @param value   the matched value as the client sent it (cut and encoded when written), empty when none
 */
public record SecurityEvent(String kind, String rule, String message, String field, String value) {

    public SecurityEvent {
        kind = kind == null ? "block" : kind;
        rule = rule == null ? "" : rule;
        message = message == null ? "" : message;
        field = field == null ? "" : field;
        value = value == null ? "" : value;
    }

    public static SecurityEvent detect(String rule, String message, String field, String value) {
        return new SecurityEvent("detect", rule, message, field, value);
    }

    public static SecurityEvent block(String rule, String message, String field, String value) {
        return new SecurityEvent("block", rule, message, field, value);
    }
}
