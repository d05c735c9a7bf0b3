package dev.palisade.testing;

import java.security.GeneralSecurityException;

import javax.net.ssl.SSLContext;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/** For tests that check TLS is served at all, not who signed the certificate. */
public final class TrustEverything {

    private TrustEverything() {
    }

    /** A JDK client context that trusts any server certificate (Netty's insecure trust manager). */
    public static SSLContext context() throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        return ctx;
    }
}
