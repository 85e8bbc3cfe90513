package dev.vigile.platform;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.service.spi.SessionFactoryServiceRegistry;

/**
 * Runs Flyway while Hibernate builds its session factory, before schema validation: Payara builds
 * the EntityManagerFactory before any start-up bean could migrate. Flyway takes a PostgreSQL
 * advisory lock, so cluster members starting together migrate once.
 */
public class FlywayIntegrator implements Integrator {

  @Override
  public void integrate(
      Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor factory) {
    Migrations.migrate();
  }

  @Override
  public void disintegrate(
      SessionFactoryImplementor sessionFactory, SessionFactoryServiceRegistry serviceRegistry) {}

  /** The migration step and its outcome, which readiness reports. */
  public static final class Migrations {
    private static volatile boolean applied;

    private Migrations() {}

    public static synchronized void migrate() {
      if (applied) {
        return;
      }
      Config config = ConfigProvider.getConfig(Migrations.class.getClassLoader());
      Flyway.configure(Migrations.class.getClassLoader())
          .dataSource(
              config.getValue("vigile.db.url", String.class),
              config.getOptionalValue("vigile.db.user", String.class).orElse(null),
              config.getOptionalValue("vigile.db.password", String.class).orElse(null))
          .locations("classpath:db/migration")
          .validateMigrationNaming(true)
          .cleanDisabled(true)
          .load()
          .migrate();
      applied = true;
    }

    public static boolean applied() {
      return applied;
    }
  }
}
