package dev.vigile.it;

import dev.vigile.launcher.EmbeddedDatabase;
import dev.vigile.launcher.PayaraOptions;
import dev.vigile.launcher.PayaraProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One real Vigile for the whole integration-test run: the WAR on Payara Micro against a fresh
 * PostgreSQL database, on {@code VIGILE_TEST_DB_URL}'s server when set, otherwise an embedded one.
 * The database is dropped when the run ends.
 */
public final class TestServer {
    public static final String ADMIN_EMAIL = "root@vigile.test";
    public static final String ADMIN_PASSWORD = "an admin passphrase for tests";

    /** The key-encryption key of every server this JVM starts: made here, never stored. */
    public static final String KEY_ENCRYPTION_KEY = dev.vigile.security.KeyEncryption.generate();

    /** The scrape token of every server this JVM starts. */
    public static final String METRICS_TOKEN = dev.vigile.security.KeyEncryption.generate();

    /** The audit chain's key for every server this JVM starts. */
    public static final String AUDIT_KEY = dev.vigile.security.KeyEncryption.generate();

    /** {@link #AUDIT_KEY} as the database reads it from {@code vigile.audit_key}. */
    public static String auditKeyHex() {
        return java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(AUDIT_KEY));
    }

    /** The data grid's secret for every member this JVM starts. */
    public static final String CLUSTER_SECRET = dev.vigile.security.KeyEncryption.generate();

    private static TestServer instance;

    private final String baseUrl;
    private Path log;
    private final String jdbcUrl;
    private final Database database;

    private TestServer(String baseUrl, Database database) {
        this.baseUrl = baseUrl;
        this.jdbcUrl = database.jdbcUrl();
        this.database = database;
    }

    /**
     * The suite's Vigile, which Arquillian deploys before the first {@link SharedServer} class runs
     * (see {@link #prepareSuite}).
     */
    public static synchronized TestServer get() {
        if (instance == null) {
            throw new IllegalStateException("No suite server: integration tests run through failsafe (./mvnw verify),"
                    + " which prepares it (SuiteSession)");
        }
        if (!instance.answered) {
            instance.awaitDeployed();
        }
        return instance;
    }

    private boolean answered;

    /** Fails at once, with the reason, when the class asking is not one Arquillian deployed for. */
    private void awaitDeployed() {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        try {
            java.net.http.HttpResponse<String> ready = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/health/ready")))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (ready.statusCode() != 200) {
                throw new IllegalStateException("The suite's Vigile is not ready: " + ready.body());
            }
            answered = true;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "The suite's Vigile does not answer: is the test class annotated"
                            + " @SharedServer, so that Arquillian deploys it first? " + e,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Before Arquillian reads arquillian.xml: a fresh database, a free port, and Vigile's settings
     * for the run written, owner-only, into the system-properties file Payara Micro reads
     * ({@code --systemproperties}), as MicroProfile Config keys. Payara Micro inherits this JVM's
     * environment, which failsafe fixes before any test runs, so the run's secrets and database go
     * this way.
     */
    static synchronized void prepareSuite() {
        try {
            Database db = newDatabase("vigile_it");
            int port = freePort();
            int smtp = TestMail.start();
            Path dir = Files.createDirectories(Path.of("target", "it-suite").toAbsolutePath());
            Path properties = dir.resolve("vigile.properties");
            Files.deleteIfExists(properties);
            Files.createFile(
                    properties,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            java.util.Properties settings = new java.util.Properties();
            Map<String, String> keys = configKeys();
            Map<String, String> environment = testEnvironment(db);
            environment.put("VIGILE_MAIL_SMTP_HOST", "127.0.0.1");
            environment.put("VIGILE_MAIL_SMTP_PORT", String.valueOf(smtp));
            environment.put("VIGILE_MAIL_SMTP_SECURITY", "none");
            // Passkeys: browsers take localhost (never an address) as a relying party id.
            environment.put("VIGILE_WEBAUTHN_ORIGINS", "http://localhost:" + port);
            for (Map.Entry<String, String> e : environment.entrySet()) {
                String key = keys.get(e.getKey());
                if (key == null) {
                    throw new IllegalStateException(e.getKey() + " has no row in the README's configuration table");
                }
                settings.setProperty(key, e.getValue());
            }
            try (var out = Files.newBufferedWriter(properties)) {
                settings.store(out, "Vigile's settings for this integration-test run; deleted when it ends");
            }
            PayaraProcess.Layout layout = PayaraProcess.Layout.fromSystemProperties();
            Path log = Path.of("target", "it-payara-" + port + ".log").toAbsolutePath();
            // The container reads Payara's output for its start-up report and keeps it; the log the
            // tests read is written beside it, by a file handler added to Vigile's logging settings.
            Path logging = dir.resolve("logging.properties");
            Files.writeString(
                    logging,
                    Files.readString(layout.payaraDir().resolve("logging.properties"))
                                    .replace(
                                            "handlers=java.util.logging.ConsoleHandler",
                                            "handlers=java.util.logging.ConsoleHandler,java.util.logging.FileHandler")
                            + "\njava.util.logging.FileHandler.pattern=" + log
                            + "\njava.util.logging.FileHandler.append=true"
                            + "\njava.util.logging.FileHandler.level=FINE"
                            + "\njava.util.logging.FileHandler.formatter=com.sun.enterprise.server.logging.ODLLogFormatter\n");
            List<String> micro = new java.util.ArrayList<>(PayaraOptions.microOptions(layout, port, null));
            micro.remove("--nocluster"); // the container adds it
            micro.set(micro.indexOf("--logproperties") + 1, logging.toString());
            micro.addAll(List.of("--systemproperties", properties.toString()));
            List<String> jvm = new java.util.ArrayList<>(PayaraOptions.jvmOptions(layout, Map.of(), null));
            jvm.replaceAll(o -> o.startsWith("-Djava.util.logging.config.file=")
                    ? "-Djava.util.logging.config.file=" + logging
                    : o);
            System.setProperty("vigile.it.jvm-options", joined(jvm));
            System.setProperty("vigile.it.micro-options", joined(micro));
            TestServer server = new TestServer("http://127.0.0.1:" + port, db);
            server.log = log;
            instance = server;
        } catch (Exception e) {
            throw new IllegalStateException("Could not prepare the suite's Vigile", e);
        }
    }

    /** Drops the suite's database and settings, after Arquillian has stopped the server. */
    static synchronized void closeSuite() {
        if (instance == null) {
            return;
        }
        TestMail.close();
        try {
            Files.deleteIfExists(Path.of("target", "it-suite", "vigile.properties"));
            instance.database.cleanup().close();
        } catch (Exception e) {
            System.err.println("Could not drop the suite's database: " + e);
        }
    }

    /** Arquillian splits its option strings on spaces; a space inside one is written "\\ ". */
    private static String joined(List<String> options) {
        return String.join(" ", options.stream().map(o -> o.replace(" ", "\\ ")).toList());
    }

    /** Variable → MicroProfile Config key, from the README's configuration table. */
    static Map<String, String> configKeys() throws IOException {
        Map<String, String> keys = new HashMap<>();
        java.util.regex.Pattern row =
                java.util.regex.Pattern.compile("^\\| `(vigile\\.[a-z0-9.-]+)` \\| `([A-Z0-9_]+)` \\|");
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            java.util.regex.Matcher m = row.matcher(line);
            if (m.find()) {
                keys.put(m.group(2), m.group(1));
            }
        }
        return keys;
    }

    /** Payara's output for this server. */
    public Path log() {
        return log;
    }

    public String url(String path) {
        return baseUrl + path;
    }

    /** This server as a browser reaches it for passkeys: on localhost, the relying party id. */
    public String webAuthnOrigin() {
        return baseUrl.replace("://127.0.0.1:", "://localhost:");
    }

    /** A connection as the database's owner (a superuser): to look inside, or to play an intruder. */
    public Connection db() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, database.owner(), database.ownerPassword());
    }

    /** A connection as the role the application runs as: what a stolen application password gives. */
    public Connection appDb() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, database.user(), database.password());
    }

    /** The number a one-parameter query answers (a count, a counter) in this server's database. */
    public long number(String sql, Object param) throws SQLException {
        try (Connection c = db();
                java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no row for " + sql + " with " + param);
                }
                return rs.getLong(1);
            }
        }
    }

    /**
     * A database for one test: on the CI server, or on an embedded PostgreSQL. {@code owner} is a
     * superuser, who runs the migrations and whom tests use to look inside; {@code user} is the
     * role the application connects as, made for this database and dropped with it.
     */
    public record Database(
            String jdbcUrl, String user, String password, String owner, String ownerPassword, AutoCloseable cleanup) {}

    public static Database newDatabase(String prefix) throws Exception {
        String name =
                prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String role = name + "_app";
        String rolePassword = UUID.randomUUID().toString();
        String adminUrl = System.getenv("VIGILE_TEST_DB_URL");
        if (adminUrl != null && !adminUrl.isBlank()) {
            String user = System.getenv().getOrDefault("VIGILE_TEST_DB_USER", "postgres");
            String password = System.getenv().getOrDefault("VIGILE_TEST_DB_PASSWORD", "");
            try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                    Statement s = c.createStatement()) {
                s.execute("create database " + name);
                s.execute("create role " + role + " login nosuperuser nocreatedb nocreaterole noinherit password '"
                        + rolePassword + "'");
            }
            String url = adminUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
            return new Database(url, role, rolePassword, user, password.isEmpty() ? "unused" : password, () -> {
                try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                        Statement s = c.createStatement()) {
                    s.execute("drop database if exists " + name + " with (force)");
                    s.execute("drop role if exists " + role);
                }
            });
        }
        Path dir = Files.createTempDirectory("vigile-it-pg");
        EmbeddedDatabase embedded = EmbeddedDatabase.startForTests(dir);
        String url = embedded.ensureDatabase(name);
        return new Database(url, embedded.ensureRole(role), "embedded", EmbeddedDatabase.USER, "embedded", embedded);
    }

    /**
     * Migrates the database up to {@code version} only, as an older release left it; the Flyway
     * returned migrates it the rest of the way.
     */
    public static org.flywaydb.core.Flyway migratedTo(Database db, String version) {
        org.flywaydb.core.Flyway latest = dev.vigile.platform.FlywayIntegrator.Migrations.flyway(
                db.jdbcUrl(), db.owner(), db.ownerPassword(), db.user());
        org.flywaydb.core.Flyway.configure(latest.getConfiguration().getClassLoader())
                .configuration(latest.getConfiguration())
                .target(version)
                .skipDefaultCallbacks(true)
                .load()
                .migrate();
        return latest;
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free now and never handed out before in this JVM: the OS may offer a just-released
     * port again, and two servers of one test told the same port hang (seen: a grid port equal to
     * an HTTP port).
     */
    public static int freePort() throws IOException {
        while (true) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
    }

    /** The settings every test server gets: short throttling windows, a first admin. */
    /** What every server a test or a bench starts needs: its database and its first admin. */
    public static Map<String, String> baseEnvironment(
            String dbUrl, String dbUser, String dbPassword, String adminEmail, String adminPassword) {
        Map<String, String> env = new HashMap<>();
        env.put("VIGILE_DB_URL", dbUrl);
        env.put("VIGILE_DB_USER", dbUser);
        env.put("VIGILE_DB_PASSWORD", dbPassword);
        env.put("VIGILE_ADMIN_EMAIL", adminEmail);
        env.put("VIGILE_ADMIN_PASSWORD", adminPassword);
        env.put("VIGILE_KEY_ENCRYPTION_KEY", KEY_ENCRYPTION_KEY);
        env.put("VIGILE_AUDIT_KEY", AUDIT_KEY);
        env.put("VIGILE_CLUSTER_SECRET", CLUSTER_SECRET);
        env.put("VIGILE_METRICS_TOKEN", METRICS_TOKEN);
        return env;
    }

    public static Map<String, String> testEnvironment(Database db) {
        Map<String, String> env = baseEnvironment(db.jdbcUrl(), db.user(), db.password(), ADMIN_EMAIL, ADMIN_PASSWORD);
        // Migrations run as the owner, the application as its own plain role: as in production.
        env.put("VIGILE_DB_MIGRATION_USER", db.owner());
        env.put("VIGILE_DB_MIGRATION_PASSWORD", db.ownerPassword());
        // Tests reach Vigile from 127.0.0.1 and name their client address in X-Forwarded-For.
        env.put("VIGILE_HTTP_TRUSTED_PROXIES", "127.0.0.1,::1");
        env.put("VIGILE_LOGIN_THROTTLE_ACCOUNT", "3/PT6S");
        env.put("VIGILE_LOGIN_THROTTLE_ADDRESS", "8/PT1M");
        env.put("VIGILE_LOGIN_THROTTLE_DEVICE", "3/PT6S");
        env.put("VIGILE_REGISTER_THROTTLE_ADDRESS", "5/PT1M");
        // Repeated denials are summed per 10 s, so that a test sees the summary row come.
        env.put("VIGILE_AUDIT_DENIAL_WINDOW", "PT10S");
        // Short WebSocket limits, so that tests see them act.
        env.put("VIGILE_WS_PING_TIMEOUT", "PT6S");
        env.put("VIGILE_WS_QUEUE_LIMIT", "40");
        env.put("VIGILE_WS_RESUME_LIMIT", "20");
        env.put("VIGILE_WS_MAX_CONNECTIONS_PER_USER", "3");
        env.put("VIGILE_WS_ALLOWED_ORIGINS", "https://app.example.com");
        // Shared signals pushed to receivers the tests run on 127.0.0.1.
        env.put("VIGILE_SSF_PUSH_PRIVATE_NETWORKS", "true");
        // Mail: retries a second apart, the outbox polled every second, short throttling windows.
        env.put("VIGILE_MAIL_RETRY_DELAY", "PT1S");
        env.put("VIGILE_MAIL_POLL_INTERVAL", "PT1S");
        env.put("VIGILE_PASSWORD_RESET_THROTTLE_EMAIL", "3/PT10M");
        env.put("VIGILE_PASSWORD_RESET_THROTTLE_ADDRESS", "30/PT10M");
        env.put("VIGILE_VERIFY_EMAIL_THROTTLE", "2/PT10M");
        env.put("VIGILE_MFA_THROTTLE", "12/PT10M");
        env.put("VIGILE_MFA_REQUIRED_ROLES", "MFA_GUARDED");
        // Sweeps every 2 s, so that SweepIT sees lapsed rows go (live ones never do).
        env.put("VIGILE_SWEEP_INTERVAL", "PT2S");
        return env;
    }
}
