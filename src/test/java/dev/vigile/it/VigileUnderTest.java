package dev.vigile.it;

import dev.vigile.launcher.PayaraProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Vigile on Payara Micro for a test (or a benchmark) that needs a server of its own: its
 * database, secrets, settings, SMTP server, cluster and port, built in one place. The suite's
 * shared server is made from the same settings ({@link TestServer#testEnvironment}). Closing it
 * stops the server and, when the database is its own, drops it.
 *
 * <pre>{@code
 * try (VigileUnderTest v = VigileUnderTest.named("verified").set("VIGILE_AUTH_REQUIRE_VERIFIED_EMAIL", "true")
 *     .mail().start()) { ... v.api() ... }
 * }</pre>
 */
public final class VigileUnderTest implements AutoCloseable {
    /** How long a start may take before the test fails: generous, for a loaded machine. */
    public static final Duration BOOT = Duration.ofMinutes(3);

    /**
     * {@code VIGILE_JAVA_MEMORY} for the servers a test starts for itself: the default heap, and C1
     * only. Such a server answers a few requests and stops, so C2 compiling Payara's deployment scan
     * is CPU spent for nothing, taken from the tests running beside it: a start took 20.1 s with
     * C2 and 16.5 s without, and the test classes of a clean-clone run 859 s against 902
     * (docs/performance.md, "The tests' own time"). {@code StartupIT}'s launcher and {@code
     * FullServerIT}'s domain get it too; the suite's server, which serves most classes, {@code
     * OtherServicesIT}'s measured server and the benchmarks keep the JVM's default compilers.
     */
    public static final String QUICK_START_JVM = "-Xmx512m -XX:TieredStopAtLevel=1";

    public final String name;
    public final PayaraProcess payara;
    /** {@code http://127.0.0.1:port}. */
    public final String base;

    public final TestServer.Database database;
    public final Path log;
    private final boolean ownDatabase;

    private VigileUnderTest(
            String name,
            PayaraProcess payara,
            String base,
            TestServer.Database database,
            Path log,
            boolean ownDatabase) {
        this.name = name;
        this.payara = payara;
        this.base = base;
        this.database = database;
        this.log = log;
        this.ownDatabase = ownDatabase;
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    /** A client of this server. */
    public Api api() {
        return new Api(base);
    }

    public String url(String path) {
        return base + path;
    }

    /** A connection as the database's owner. */
    public Connection db() throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.owner(), database.ownerPassword());
    }

    /** Waits until the server is ready (for servers {@link Builder#launch launched} side by side). */
    public VigileUnderTest awaitReady() throws Exception {
        payara.awaitReady(BOOT);
        return this;
    }

    @Override
    public void close() throws Exception {
        try {
            payara.close();
        } finally {
            if (ownDatabase) {
                database.cleanup().close();
            }
        }
    }

    /** What the server is to be. Nothing starts until {@link #launch} or {@link #start}. */
    public static final class Builder {
        private final String name;
        private TestServer.Database database;
        private boolean testSettings = true;
        private final Map<String, String> settings = new HashMap<>();
        private PayaraProcess.Cluster cluster;
        private PayaraProcess.Layout layout;
        private Integer port;
        private String adminEmail = TestServer.ADMIN_EMAIL;
        private String adminPassword = TestServer.ADMIN_PASSWORD;

        private Builder(String name) {
            this.name = name;
        }

        /** A database it shares (not dropped at close); by default it gets a new one of its own. */
        public Builder database(TestServer.Database database) {
            this.database = database;
            return this;
        }

        /** Production's settings (only the database, secrets and first admin), not the tests' short windows. */
        public Builder productionSettings() {
            this.testSettings = false;
            return this;
        }

        /** The first admin's account (by default the tests' {@link TestServer#ADMIN_EMAIL}). */
        public Builder admin(String email, String password) {
            this.adminEmail = email;
            this.adminPassword = password;
            return this;
        }

        /** A setting, by its environment variable (README's configuration table). */
        public Builder set(String variable, String value) {
            settings.put(variable, value);
            return this;
        }

        public Builder set(Map<String, String> values) {
            settings.putAll(values);
            return this;
        }

        /** Mail goes to the tests' SMTP server ({@link TestMail}). */
        public Builder mail() {
            settings.put("VIGILE_MAIL_SMTP_HOST", "127.0.0.1");
            settings.put("VIGILE_MAIL_SMTP_PORT", String.valueOf(TestMail.port()));
            settings.put("VIGILE_MAIL_SMTP_SECURITY", "none");
            return this;
        }

        /** A member of this data-grid cluster, on loopback. */
        public Builder cluster(String clusterName, int gridPort, List<String> members) {
            this.cluster = new PayaraProcess.Cluster(clusterName, "127.0.0.1", gridPort, members);
            return this;
        }

        public Builder layout(PayaraProcess.Layout layout) {
            this.layout = layout;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Starts the server without waiting for it (then {@link VigileUnderTest#awaitReady}). */
        public VigileUnderTest launch() throws Exception {
            boolean own = database == null;
            TestServer.Database db =
                    own ? TestServer.newDatabase("vigile_" + name.replaceAll("[^a-z0-9]", "_")) : database;
            try {
                Map<String, String> env = testSettings
                        ? TestServer.testEnvironment(db)
                        : TestServer.baseEnvironment(db.jdbcUrl(), db.user(), db.password(), adminEmail, adminPassword);
                env.put("VIGILE_ADMIN_EMAIL", adminEmail);
                env.put("VIGILE_ADMIN_PASSWORD", adminPassword);
                if (testSettings) {
                    env.put("VIGILE_JAVA_MEMORY", QUICK_START_JVM);
                }
                env.putAll(settings);
                int httpPort = port != null ? port : TestServer.freePort();
                Path log = Path.of("target", "it-" + name + "-" + httpPort + ".log")
                        .toAbsolutePath();
                PayaraProcess.Layout l = layout != null ? layout : PayaraProcess.Layout.fromSystemProperties();
                PayaraProcess payara = cluster == null
                        ? PayaraProcess.start(l, httpPort, env, log, List.of())
                        : PayaraProcess.start(l, httpPort, env, log, List.of(), cluster);
                return new VigileUnderTest(name, payara, "http://127.0.0.1:" + httpPort, db, log, own);
            } catch (Exception e) {
                if (own) {
                    db.cleanup().close();
                }
                throw e;
            }
        }

        /** Starts the server and waits until it is ready. */
        public VigileUnderTest start() throws Exception {
            VigileUnderTest v = launch();
            try {
                return v.awaitReady();
            } catch (Exception e) {
                v.close();
                throw e;
            }
        }
    }
}
