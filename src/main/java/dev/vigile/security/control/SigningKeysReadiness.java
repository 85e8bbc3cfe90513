package dev.vigile.security.control;

import dev.vigile.security.AccessTokenIssuer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Part of {@code /health/ready}: UP once the signing keys are loaded; says what signs with them. */
@Readiness
@ApplicationScoped
public class SigningKeysReadiness implements HealthCheck {
    public static final String NAME = "vigile-signing-keys";

    @Inject
    AccessTokenIssuer issuer;

    @Override
    public HealthCheckResponse call() {
        boolean loaded = KeyRing.Current.get() != null;
        return HealthCheckResponse.named(NAME)
                .status(loaded)
                .withData("signingKeys", loaded ? "loaded" : "missing")
                .withData("signer", issuer.signingProvider())
                .build();
    }
}
