/**
 * TLS termination for listeners, and TLS clients for origins.
 *
 * <p>How the server uses it, per TLS listener:
 * <pre>{@code
 * TlsTerminator tls = TlsTerminator.create(listener.name(), listener.tls());   // ConfigException: report and stop
 * CertificateWatcher watch = CertificateWatcher.start(tls, Duration.ofSeconds(1)); // optional: reload on file change
 * // in initChannel, after the connection gate:
 * pipeline.addLast("tls", tls.newHandler(ch.alloc()));
 * // on SIGHUP or POST /admin/reload:
 * tls.reload();                                    // ConfigException: old certificates keep serving
 * // per request:
 * new ClientInfo(addr, port, name, TlsFacts.version(ch), TlsFacts.sni(ch));
 * // after the handshake, when TlsFacts.applicationProtocol(ch) is "h2":
 * pipeline.addLast(Http2Limits.DEFAULTS.newServerCodec(), new Http2MultiplexHandler(streamInitializer));
 * }</pre>
 *
 * <p>Certificates are PEM files in one directory (or one file): chains and keys in any file names, paired
 * by public key. {@link dev.palisade.tls.SelfSignedCertificates} writes a pair for the demo and for
 * {@code palisade certs self-signed}. {@link dev.palisade.tls.OriginTls} builds verifying client contexts.
 */
package dev.palisade.tls;
