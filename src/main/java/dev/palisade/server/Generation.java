package dev.palisade.server;

import java.util.Map;

import dev.palisade.balance.Router;
import dev.palisade.config.PalisadeConfig;
import dev.palisade.headers.GroupHeaders;
import dev.palisade.pipeline.ProxyFlow;
import io.netty.handler.ssl.SslContext;

/**
 * Everything built from one configuration: the stage flow, the router, the page renderer. Immutable;
 * a reload builds a new generation and swaps it whole. A request keeps the generation it started with.
 *
 * @param config        the configuration
 * @param flow          the per-request phases
 * @param router        routes and origin groups
 * @param pages         Palisade's own pages
 * @param serverHeader  the Server header on Palisade's own pages, empty for none
 * @param groupHeaders  per origin group: the Host and internal names the header policy uses
 * @param bodyInspection how many request body bytes the stages read before deciding; 0 when no rule reads the body
 * @param originTls     per origin group with {@code tls:}: its client context
 */
record Generation(PalisadeConfig config, ProxyFlow flow, Router router, Rejections.PageRenderer pages,
                  String serverHeader, Map<String, GroupHeaders> groupHeaders, long bodyInspection,
                  Map<String, SslContext> originTls) {
}
