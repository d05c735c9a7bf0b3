/**
 * TLS termination for listeners, and TLS clients for origins.
 *
 * <p>How the server uses it, per TLS listener:
 * <pre>{@code
 * TlsTerminator tls = TlsTerminator.create(listener.name(), listener.tls()); // ConfigException: report, stop
 * CertificateWatcher watch = CertificateWatcher.start(tls, Duration.ofSeconds(1)); // reload on file change
 * // in initChannel, after the connection gate:
 * pipeline.addLast("tls", tls.newHandler(ch.alloc()));
 * // SIGHUP or POST /admin/reload, off the event loop (it reads files), all listeners or none:
 * List<TlsTerminator.Prepared> ready = ...; ready.add(tls.prepare(newListener.tls())); // ConfigException: keep old
 * ready.forEach(TlsTerminator.Prepared::apply);
 * // per request (an HTTP/2 stream channel answers for its connection):
 * TlsFacts.version(ch); TlsFacts.sni(ch); TlsFacts.clientSubject(ch); TlsFacts.clientFingerprint(ch);
 * // responses on a TLS listener, when configured:
 * String hsts = listener.tls().hstsHeader();   // "" when off
 * // after the handshake, when ALPN chose "h2":
 * pipeline.addLast(Http2Limits.DEFAULTS.newServerCodec(), new Http2MultiplexHandler(streamInitializer));
 * // palisade check:
 * tls.summary(); tls.warnings();               // one line per certificate; expiry and duplicate-name warnings
 * }</pre>
 *
 * <p>Certificates are PEM files in one directory (or one file, plus an optional key file): chains and keys
 * in any file names, paired by public key. {@link dev.palisade.tls.SelfSignedCertificates} writes a pair
 * for the demo and for {@code palisade certs self-signed}. {@link dev.palisade.tls.OriginTls} builds
 * verifying client contexts for origins. Counters for metrics: {@link dev.palisade.tls.TlsTerminator#counters()},
 * {@link dev.palisade.tls.TlsTerminator#outOfDateCertificates()}, {@link dev.palisade.tls.TlsTerminator#earliestExpiry()}.
 */
package dev.palisade.tls;
