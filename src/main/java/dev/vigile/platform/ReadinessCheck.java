package dev.vigile.platform;

import dev.vigile.platform.FlywayIntegrator.Migrations;
import dev.vigile.security.control.KeyRing;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** {@code /health/ready}: UP only when the database answers, migrations ran and keys are loaded. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {
  public static final String NAME = "vigile-database";

  @Resource(lookup = DataSourceConfig.JNDI_NAME)
  DataSource dataSource;

  @Override
  public HealthCheckResponse call() {
    boolean reachable;
    try (Connection c = dataSource.getConnection()) {
      reachable = c.isValid(2);
    } catch (Exception e) {
      reachable = false;
    }
    boolean migrated = Migrations.applied();
    boolean keys = KeyRing.Current.get() != null;
    return HealthCheckResponse.named(NAME)
        .status(reachable && migrated && keys)
        .withData("database", reachable ? "reachable" : "unreachable")
        .withData("migrations", migrated ? "applied" : "pending")
        .withData("signingKeys", keys ? "loaded" : "missing")
        .build();
  }
}
