package dev.vigile.security.control;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Supplies {@code mp.jwt.verify.publickey} to MicroProfile JWT from Vigile's own key ring, so the
 * verifier always knows the keys Vigile signs with (configured or generated). Payara reads it on
 * first use and caches it for five minutes, which {@link SigningKeyStore#PUBLISH_LEAD} allows
 * for.
 */
public class MpJwtKeySource implements ConfigSource {
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(MpJwtKeySource.class.getName());
  static final String PUBLIC_KEY = "mp.jwt.verify.publickey";

  @Override
  public Set<String> getPropertyNames() {
    return Set.of(PUBLIC_KEY);
  }

  @Override
  public Map<String, String> getProperties() {
    String value = getValue(PUBLIC_KEY);
    return value == null ? Map.of() : Map.of(PUBLIC_KEY, value);
  }

  @Override
  public String getValue(String propertyName) {
    if (!PUBLIC_KEY.equals(propertyName)) {
      return null;
    }
    // Payara may ask while the application is still deploying, and caches the answer (null
    // included) for a minute: load the keys now rather than answer nothing.
    try {
      return SigningKeyService.ensureLoaded().verificationKeys();
    } catch (RuntimeException e) {
      LOG.warning("Signing keys not available yet: " + e.getMessage());
      return null;
    }
  }

  @Override
  public int getOrdinal() {
    return 500;
  }

  @Override
  public String getName() {
    return "vigile-signing-keys";
  }
}
