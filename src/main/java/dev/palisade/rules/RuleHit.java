package dev.palisade.rules;

import java.util.List;

/**
 * One rule that matched a request, for the security log.
 *
 * @param ruleId  the rule's id
 * @param message the rule's message
 * @param field   the name of the value that matched ({@code args:q}), empty when the rule matched on an absence
 * @param value   an excerpt of the matched value, already made log-safe (OWASP Java encoding) and truncated
 * @param action  what happened: block, detect (would have blocked), log, score, or allow
 * @param score   the points added to the anomaly score, 0 for other actions
 * @param tags    the rule's tags
 */
public record RuleHit(String ruleId, String message, String field, String value, String action, int score,
                      List<String> tags) {}
