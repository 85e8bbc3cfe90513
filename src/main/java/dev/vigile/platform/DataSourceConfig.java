package dev.vigile.platform;

import jakarta.annotation.sql.DataSourceDefinition;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The application's connection pool. Attributes resolve from MicroProfile Config, so {@code
 * VIGILE_DB_URL}, {@code VIGILE_DB_USER} and {@code VIGILE_DB_PASSWORD} override the defaults.
 */
@ApplicationScoped
@DataSourceDefinition(
        name = DataSourceConfig.JNDI_NAME,
        className = "org.postgresql.ds.PGSimpleDataSource",
        url = "${MPCONFIG=vigile.db.url}",
        user = "${MPCONFIG=vigile.db.user}",
        password = "${MPCONFIG=vigile.db.password}",
        minPoolSize = 2,
        maxPoolSize = 16,
        initialPoolSize = 2,
        loginTimeout = 5,
        properties = {
            // A pooled connection is checked at most once every 2 s, not at every checkout (a round
            // trip per request); a failed check drops the whole pool, so it recovers after a restart.
            "fish.payara.is-connection-validation-required=true",
            "fish.payara.connection-validation-method=custom-validation",
            "fish.payara.validation-classname=org.glassfish.api.jdbc.validation.PostgresConnectionValidation",
            "fish.payara.validate-atmost-once-period-in-seconds=2",
            "fish.payara.fail-all-connections=true",
            "fish.payara.max-wait-time-in-millis=5000",
            // Statements and result sets are the driver's own, not Payara's wrappers: the wrapper
            // reaches JDBC 4.1 methods such as getObject(int, Class), which Hibernate uses for every
            // UUID it reads, by looking the method up with reflection on each call.
            "fish.payara.wrap-jdbc-objects=false",
            // Statement timeout enforced by PostgreSQL itself: a client-side one schedules a timer task
            // per statement on one shared, synchronised timer.
            "options=-c statement_timeout=30000",
            "connectTimeout=5",
            "socketTimeout=60",
            "tcpKeepAlive=true",
            "ApplicationName=vigile"
        })
public class DataSourceConfig {
    public static final String JNDI_NAME = "java:app/jdbc/vigile";
}
