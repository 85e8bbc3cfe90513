package dev.vigile.it;

import dev.vigile.launcher.PayaraProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * One Vigile for a benchmark under {@code bench/}: a database of its own on the PostgreSQL of
 * {@code BENCH_DB_URL} (default the local one, as {@code BENCH_DB_USER}, default postgres), Payara
 * Micro started with the test settings and an admin account, JVM options from {@code
 * BENCH_JAVA_OPTIONS}; closing it stops the server and drops the database. Not a test.
 */
public final class BenchServer implements AutoCloseable {
    public static final String ADMIN = "bench@vigile.test";
    public static final String ADMIN_PASSWORD = "a bench admin passphrase";
    public static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The benchmark database's JDBC URL and user (trust authentication). */
    public final String jdbcUrl;

    public final String dbUser;
    /** {@code http://127.0.0.1:port}. */
    public final String base;

    public final PayaraProcess payara;
    private final String adminUrl;
    private final String dbName;
    /** Whether the database is this server's own, dropped at close (not a dataset's). */
    private final boolean ownDatabase;

    private BenchServer(
            String adminUrl,
            String dbName,
            boolean ownDatabase,
            String jdbcUrl,
            String dbUser,
            String base,
            PayaraProcess payara) {
        this.adminUrl = adminUrl;
        this.dbName = dbName;
        this.ownDatabase = ownDatabase;
        this.jdbcUrl = jdbcUrl;
        this.dbUser = dbUser;
        this.base = base;
        this.payara = payara;
    }

    /** Creates the database, starts Vigile on it with these extra settings, waits until ready. */
    /** CPU time (user and system) of a process and its descendants so far, in ns; 0 where unreadable. */
    public static long cpuNanos(ProcessHandle process) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process), process.descendants())
                .mapToLong(
                        p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
    }

    /**
     * The PostgreSQL server behind this connection as a process (its postmaster, whose descendants
     * are every backend and worker), when it runs on this machine; empty otherwise.
     */
    public static java.util.Optional<ProcessHandle> postmaster(String jdbcUrl, String user)
            throws java.sql.SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
                Statement s = c.createStatement();
                var rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return ProcessHandle.of(rs.getInt(1)).flatMap(ProcessHandle::parent);
        }
    }

    public static BenchServer start(String name, Map<String, String> settings, String defaultJavaOptions)
            throws Exception {
        return start(name, settings, defaultJavaOptions, PayaraProcess.Layout.fromSystemProperties());
    }

    /** The same, with Payara Micro laid out as given (the class-data archive or none). */
    public static BenchServer start(
            String name, Map<String, String> settings, String defaultJavaOptions, PayaraProcess.Layout layout)
            throws Exception {
        return start(name, null, settings, defaultJavaOptions, layout);
    }

    /**
     * Starts Vigile on an existing database ({@code bench/dataset}'s), which it keeps at close.
     */
    public static BenchServer startOn(String existingDatabase, Map<String, String> settings, String defaultJavaOptions)
            throws Exception {
        return start(
                existingDatabase,
                existingDatabase,
                settings,
                defaultJavaOptions,
                PayaraProcess.Layout.fromSystemProperties());
    }

    private static BenchServer start(
            String name,
            String existingDatabase,
            Map<String, String> settings,
            String defaultJavaOptions,
            PayaraProcess.Layout layout)
            throws Exception {
        String adminUrl = System.getenv().getOrDefault("BENCH_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String dbUser = System.getenv().getOrDefault("BENCH_DB_USER", "postgres");
        boolean own = existingDatabase == null;
        String dbName =
                own ? "vigile_bench_" + name + "_" + ProcessHandle.current().pid() : existingDatabase;
        if (own) {
            try (Connection c = DriverManager.getConnection(adminUrl, dbUser, "");
                    Statement s = c.createStatement()) {
                s.execute("create database " + dbName);
            }
        }
        String url = adminUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + dbName + "$1");
        // The bench's database is made and dropped here, as the superuser the bench connects as.
        TestServer.Database db = new TestServer.Database(url, dbUser, "unused", dbUser, "unused", () -> {});
        VigileUnderTest vigile;
        try {
            vigile = VigileUnderTest.named("bench-" + name)
                    .database(db)
                    .productionSettings()
                    .admin(ADMIN, ADMIN_PASSWORD)
                    .layout(layout)
                    .set(settings)
                    .set("VIGILE_JAVA_MEMORY", System.getenv().getOrDefault("BENCH_JAVA_OPTIONS", defaultJavaOptions))
                    .start();
        } catch (Exception e) {
            if (own) {
                try (Connection c = DriverManager.getConnection(adminUrl, dbUser, "");
                        Statement s = c.createStatement()) {
                    s.execute("drop database if exists " + dbName + " with (force)");
                }
            }
            throw e;
        }
        return new BenchServer(adminUrl, dbName, own, url, dbUser, vigile.base, vigile.payara);
    }

    public Connection db() throws Exception {
        return DriverManager.getConnection(jdbcUrl, dbUser, "");
    }

    /** A fresh access token of the admin. */
    public String login() throws Exception {
        String body = "{\"email\":\"" + ADMIN + "\",\"password\":\"" + ADMIN_PASSWORD + "\"}";
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/auth/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return Api.JSON.readTree(r.body()).get("access_token").asText();
    }

    @Override
    public void close() throws Exception {
        try {
            payara.close();
        } finally {
            if (ownDatabase) {
                try (Connection c = DriverManager.getConnection(adminUrl, dbUser, "");
                        Statement s = c.createStatement()) {
                    s.execute("drop database if exists " + dbName + " with (force)");
                }
            }
        }
    }
}
