package dev.palisade.server.admin;

import java.time.Duration;
import java.util.List;

/**
 * What the admin API needs from the ban list: GET /admin/bans, DELETE /admin/bans (all) and
 * DELETE /admin/bans/{address}. The
 * guard's ban list provides it (wired in the server).
 */
public interface BanAdmin {

    /** One ban in force. */
    record Ban(String address, String reason, int strike, Duration duration, Duration remaining) {}

    /** No ban list (the guard is not running): nothing listed, nothing to lift. */
    BanAdmin NONE = new BanAdmin() {
        @Override
        public List<Ban> list() {
            return List.of();
        }

        @Override
        public boolean remove(String address) {
            return false;
        }

        @Override
        public int clear() {
            return 0;
        }
    };

    /** The bans in force. */
    List<Ban> list();

    /**
     * Lifts the ban of {@code address}, an IP literal already checked by the caller (never a name, so no
     * DNS lookup happens); returns whether there was one.
     */
    boolean remove(String address);

    /** Lifts every ban (and, in distributed mode, on every node); returns how many were in force here. */
    int clear();
}
