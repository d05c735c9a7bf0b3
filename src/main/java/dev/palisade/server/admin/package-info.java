/**
 * The admin listener: a small HTTP server on its own port and event loop, 127.0.0.1:9901 by default.
 *
 * <pre>
 * GET    /                     dashboard (static files from the jar; polls /api/stats every second)
 * GET    /api/stats            the dashboard's figures as JSON
 * GET    /metrics              Prometheus text format
 * GET    /healthz              200 while the process runs
 * GET    /readyz               200 when listeners are bound and every origin group has a server not down, else 503
 * POST   /admin/reload         reload config, rules, certificates: 200, or 422 with the error   (token)
 * GET    /admin/bans           bans in force                                                    (token)
 * DELETE /admin/bans/{address} lift a ban: 200, or 404 when there was none                      (token)
 * GET    /admin/rules          blocked and detected counts per rule id                          (token)
 * </pre>
 *
 * <p>{@link dev.palisade.server.admin.AdminServer} owns the bootstrap, {@link dev.palisade.server.admin.AdminHandler}
 * the routes, and {@link dev.palisade.server.admin.AdminHooks} is everything it asks of the running server.
 */
package dev.palisade.server.admin;
