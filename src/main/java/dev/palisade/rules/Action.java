package dev.palisade.rules;

import java.util.List;

/**
 * What a rule does when its condition holds ({@code then ...}).
 *
 * @param kind       block, allow, log or score
 * @param status     the status of a block, 0 for the configured default
 * @param score      the points a score rule adds to the request's anomaly score
 * @param tags       labels for the log and for exclusions by tag
 * @param detectOnly record the hit as a detection but never block because of this rule
 */
public record Action(Kind kind, int status, int score, List<String> tags, boolean detectOnly) {

    /** The four dispositions. */
    public enum Kind { BLOCK, ALLOW, LOG, SCORE }

    public Action {
        tags = List.copyOf(tags);
    }
}
