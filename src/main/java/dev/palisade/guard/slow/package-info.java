/**
 * Slow-client defences on the connection: a minimum request body rate and a write timeout for clients that
 * do not read. The header deadline (slowloris) lives in the server's request decoder.
 */
package dev.palisade.guard.slow;
