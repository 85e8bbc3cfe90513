package dev.vigile.platform;

import dev.vigile.platform.FlywayIntegrator.Migrations;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** {@code /health/ready}: UP only when the database answers, migrations ran and the instance is not
 * shutting down (each feature adds its own checks: signing keys, audit chain, cluster). */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {
    public static final String NAME = "vigile-database";

    @Resource(lookup = DataSourceConfig.JNDI_NAME)
    DataSource dataSource;

    @jakarta.inject.Inject
    dev.vigile.platform.lifecycle.Drain drain;

    @Override
    public HealthCheckResponse call() {
        boolean reachable;
        String statementTimeout = "unknown";
        try (Connection c = dataSource.getConnection();
                java.sql.Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            try (java.sql.ResultSet rs = s.executeQuery("select current_setting('statement_timeout')")) {
                reachable = rs.next();
                statementTimeout = reachable ? rs.getString(1) : statementTimeout;
            }
        } catch (Exception e) {
            reachable = false;
        }
        boolean migrated = Migrations.applied();
        boolean accepting = !drain.draining();
        return HealthCheckResponse.named(NAME)
                .status(reachable && migrated && accepting)
                .withData("database", reachable ? "reachable" : "unreachable")
                .withData("statementTimeout", statementTimeout)
                .withData("migrations", migrated ? "applied" : "pending")
                .withData("requests", accepting ? "accepted" : "draining")
                .build();
    }
}
