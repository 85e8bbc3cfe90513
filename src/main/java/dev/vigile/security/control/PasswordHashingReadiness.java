package dev.vigile.security.control;

import dev.vigile.security.PasswordHasher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Part of {@code /health/ready}: says what hashes passwords (libargon2, or Bouncy Castle where the
 * native library did not load), at which cost, and how many hashes may run at once. Always UP:
 * either engine gives the same hashes.
 */
@Readiness
@ApplicationScoped
public class PasswordHashingReadiness implements HealthCheck {
    public static final String NAME = "vigile-password-hashing";

    @Inject
    PasswordHasher hasher;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME)
                .up()
                .withData("engine", hasher.engine())
                .withData("cost", hasher.cost())
                .withData("concurrentHashes", hasher.concurrentHashes())
                .build();
    }
}
