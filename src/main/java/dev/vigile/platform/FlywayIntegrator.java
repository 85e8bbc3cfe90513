package dev.vigile.platform;

import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;
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
 * advisory lock, so cluster members starting together migrate once. Migrations run as the schema's
 * owner ({@code VIGILE_DB_MIGRATION_USER}); the application then connects as a role that owns
 * nothing and may only read and append to the audit chain.
 */
public class FlywayIntegrator implements Integrator {

    @Override
    public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor factory) {
        Migrations.migrate();
    }

    @Override
    public void disintegrate(SessionFactoryImplementor sessionFactory, SessionFactoryServiceRegistry serviceRegistry) {}

    /** The migration step and its outcome, which readiness reports. */
    public static final class Migrations {
        private static final Logger LOG = Logger.getLogger(Migrations.class.getName());
        private static final Pattern ROLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
        private static volatile boolean applied;

        private Migrations() {}

        public static synchronized void migrate() {
            if (applied) {
                return;
            }
            Config config = ConfigProvider.getConfig(Migrations.class.getClassLoader());
            String url = config.getValue("vigile.db.url", String.class);
            String runtimeUser =
                    config.getOptionalValue("vigile.db.user", String.class).orElse(null);
            String runtimePassword =
                    config.getOptionalValue("vigile.db.password", String.class).orElse(null);
            Optional<String> owner = config.getOptionalValue("vigile.db.migration-user", String.class)
                    .filter(u -> !u.isBlank());
            if (owner.isEmpty()) {
                LOG.warning("VIGILE_DB_MIGRATION_USER is not set: migrations run as the application's own database"
                        + " user, which therefore owns the schema and could alter or disable the audit chain's"
                        + " protections. Give migrations a separate owner role (see docs/security.md).");
            }
            flyway(
                            url,
                            owner.orElse(runtimeUser),
                            owner.isPresent()
                                    ? config.getOptionalValue("vigile.db.migration-password", String.class)
                                            .orElse(null)
                                    : runtimePassword,
                            owner.isPresent() ? runtimeUser : null)
                    .migrate();
            applied = true;
        }

        /**
         * Flyway for Vigile's migrations, run as {@code owner}; {@code runtimeRole} (null when the
         * application runs as the owner) gets its rights after every run (afterMigrate.sql).
         */
        public static Flyway flyway(String url, String owner, String password, String runtimeRole) {
            String runtime = runtimeRole == null || runtimeRole.equals(owner) ? "" : runtimeRole;
            if (!runtime.isEmpty() && !ROLE.matcher(runtime).matches()) {
                throw new IllegalStateException("VIGILE_DB_USER must be a plain PostgreSQL role name (letters, digits,"
                        + " underscores) when migrations run as another user, to be granted its rights");
            }
            return Flyway.configure(Migrations.class.getClassLoader())
                    .dataSource(url, owner, password)
                    .locations("classpath:db/migration")
                    .placeholders(Map.of("runtime_role", runtime))
                    .validateMigrationNaming(true)
                    .cleanDisabled(true)
                    .load();
        }

        public static boolean applied() {
            return applied;
        }
    }
}
