package dev.vigile.security;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.Provider;
import java.security.Security;
import java.util.logging.Logger;

/**
 * The provider that signs access tokens: Amazon Corretto Crypto Provider (AWS-LC's RSA, about
 * half the JDK's CPU for a 3072-bit signature, which is most of a refresh) where its native code
 * loads and passes its self-tests, else the JDK's own. It is added last in the JVM's list, so
 * nothing that asks for an algorithm without naming a provider changes; only the issuer names it.
 */
final class NativeSigning {
    private static final Logger LOG = Logger.getLogger(NativeSigning.class.getName());

    private NativeSigning() {}

    /**
     * Registers the native provider if it is usable here.
     *
     * @return the provider to remove when the application stops, or null to sign with the JDK
     */
    static Provider register() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            Throwable unusable = accp.getLoadingError();
            if (unusable != null) {
                LOG.info("Access tokens are signed by the JDK: the native provider did not load (" + unusable + ")");
                return null;
            }
            accp.assertHealthy();
            Provider present = Security.getProvider(accp.getName());
            if (present != null && present != accp) {
                // Left by another deployment in this JVM (its class loader): use our own.
                Security.removeProvider(accp.getName());
            }
            Security.addProvider(accp);
            LOG.info("Access tokens are signed by " + accp.getName() + " " + accp.getVersionStr());
            return accp;
        } catch (RuntimeException | LinkageError e) {
            LOG.info("Access tokens are signed by the JDK: the native provider is not usable (" + e + ")");
            return null;
        }
    }

    /** Removes what {@link #register()} added, so the application's class loader can go. */
    static void unregister(Provider provider) {
        if (provider != null && Security.getProvider(provider.getName()) == provider) {
            Security.removeProvider(provider.getName());
        }
    }
}
