/**
 * The logging phase and what an operator watches: the access log ({@link dev.palisade.observe.AccessLog}),
 * the security-event log ({@link dev.palisade.observe.SecurityLog}), metrics in one Prometheus registry
 * ({@link dev.palisade.observe.Metrics}, recorded per request by {@link dev.palisade.observe.MetricsLogStage}),
 * the dashboard's live figures ({@link dev.palisade.observe.LiveStats}) and where the two logs go
 * ({@link dev.palisade.observe.LogSetup}).
 *
 * <p>Other packages report events with one call on {@code Metrics.global()}; this package depends on
 * nothing above {@code pipeline}, so every stage may use it.
 */
package dev.palisade.observe;
