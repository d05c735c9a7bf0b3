package dev.palisade.balance;

import dev.palisade.pipeline.Exchange;

/**
 * Chooses one server for an attempt. A policy instance belongs to one fixed list of servers (a group's
 * membership; rebuilt when DNS changes it) and is called from every event loop at once.
 */
interface Policy {

    /** The index of the chosen server among {@code c}, or -1 when no server is {@link Candidates#ok}. */
    int choose(Candidates c, Exchange ex);
}
