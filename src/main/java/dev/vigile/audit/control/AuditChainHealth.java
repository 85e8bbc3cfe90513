package dev.vigile.audit.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Part of {@code /health/ready}: whether the application's database role is kept from rewriting
 * the audit log. Reported, not failed on: an installation that runs migrations and the
 * application as one user still works, and an admin sees what it gives up.
 */
@Readiness
@ApplicationScoped
public class AuditChainHealth implements HealthCheck {
    public static final String NAME = "vigile-audit";

    @Inject
    AuditChainGuard guard;

    @Override
    public HealthCheckResponse call() {
        Boolean appendOnly = guard.appendOnly();
        return HealthCheckResponse.named(NAME)
                .up()
                .withData("chain", "keyed")
                .withData(
                        "databaseRole",
                        appendOnly == null ? "unchecked" : appendOnly ? "append-only" : "owns the audit table")
                .build();
    }
}
