/**
 * Header policy: what the origin sees of the client and what the client sees of the origin. Pure
 * functions over {@link dev.palisade.pipeline.MutableHeaders}; no channel, no I/O after config load.
 *
 * <p>{@link dev.palisade.headers.HeaderPolicies} builds the stage lists in their running order:
 * <pre>
 * phase 2  request   MethodPolicy            TRACE, TRACK and headers.deny_methods -> 405
 * phase 4  upstream  HopByHop                Connection (+ named), Keep-Alive, TE, Trailer, Transfer-Encoding,
 *                                            Upgrade (kept for a marked WebSocket), Proxy-*
 *                    StripRequestHeaders     headers.strip_request
 *                    OriginHost              Host from the group's host_header, else the client's
 *                    ForwardingIdentity      spoofable headers dropped from untrusted peers; X-Forwarded-*,
 *                                            Forwarded in forward / truncate / drop mode; X-Request-Id
 * phase 5  response  HopByHop                as above, framing left to the server
 *                    HideOrigin              Server replaced, X-Powered-By and friends removed
 *                    OriginUrlRewrite        Location, Content-Location, Refresh, Link, Set-Cookie Domain,
 *                                            then URLs and names embedded in any other value
 *                    SecurityHeaders         nosniff, frame options, referrer, CSP, permissions (HSTS: the TLS listener's)
 *                    ErrorPageReplacement    replaceBody: 5xx and headers.error_pages.replace_4xx
 * </pre>
 *
 * <p>Per-request facts the server puts into {@code ex.attrs()} before phase 4:
 * {@link dev.palisade.headers.HopByHop#WEBSOCKET} (a WebSocket upgrade it will pass through),
 * {@link dev.palisade.headers.OriginHost#HOST} (the chosen group's host_header),
 * {@link dev.palisade.headers.OriginUrlRewrite#GROUP_HOSTS} (the chosen group's names, from
 * {@link dev.palisade.headers.OriginUrlRewrite#groupHosts}) and, only when the client address came from a
 * trusted proxy's headers, {@link dev.palisade.headers.ForwardingIdentity#PEER} (the connection's peer).
 * {@link dev.palisade.headers.GroupHeaders#apply} sets the two group facts in one call.
 * Palisade's own error page is {@link dev.palisade.headers.ErrorPages}.
 */
package dev.palisade.headers;
