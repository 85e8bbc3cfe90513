package dev.vigile.security.control;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Part of {@code /health/ready}: UP once the signing keys are loaded. */
@Readiness
@ApplicationScoped
public class SigningKeysReadiness implements HealthCheck {
  public static final String NAME = "vigile-signing-keys";

  @Override
  public HealthCheckResponse call() {
    boolean loaded = KeyRing.Current.get() != null;
    return HealthCheckResponse.named(NAME)
        .status(loaded)
        .withData("signingKeys", loaded ? "loaded" : "missing")
        .build();
  }
}
