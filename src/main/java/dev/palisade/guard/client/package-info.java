/**
 * Who the client really is: the PROXY protocol header on listeners behind an L4 balancer, and
 * X-Forwarded-For / Forwarded from trusted proxies only.
 */
package dev.palisade.guard.client;
