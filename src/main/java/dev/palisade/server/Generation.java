package dev.palisade.server;

import dev.palisade.balance.Router;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.pipeline.ProxyFlow;

/**
 * Everything built from one configuration: the stage flow, the router, the page renderer. Immutable;
 * a reload builds a new generation and swaps it whole. A request keeps the generation it started with.
 *
 * @param config        the configuration
 * @param flow          the per-request phases
 * @param router        routes and origin groups
 * @param pages         Palisade's own pages
 * @param serverHeader  the Server header on Palisade's own pages, empty for none
 */
record Generation(PalisadeConfig config, ProxyFlow flow, Router router, Rejections.PageRenderer pages,
                  String serverHeader) {
}
