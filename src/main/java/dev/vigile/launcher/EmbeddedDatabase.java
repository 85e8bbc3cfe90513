package dev.vigile.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL started from the binaries on Maven Central (zonky), for running Vigile or its
 * tests on a machine with nothing but a JDK. Its data lives in the given directory and survives
 * restarts. It listens on localhost only.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    /** The superuser, which owns the schema and runs the migrations. */
    public static final String USER = "postgres";

    /** The role the application connects as: no ownership, no DDL. */
    public static final String RUNTIME_USER = "vigile";

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** A durable database (PostgreSQL's own defaults), on any free port: for running Vigile. */
    public static EmbeddedDatabase start(Path dataDirectory) throws IOException {
        return start(dataDirectory, 0, true);
    }

    /**
     * A throwaway database for tests: without {@code fsync}, synchronous commits or full-page
     * writes (zonky's test settings), which a power cut could cost acknowledged writes or the
     * whole data directory.
     */
    public static EmbeddedDatabase startForTests(Path dataDirectory) throws IOException {
        return start(dataDirectory, 0, false);
    }

    /**
     * Starts on this port (0: any free one); a restart on the same port and directory resumes.
     *
     * @param durable PostgreSQL's durable defaults, which zonky's builder turns off for speed
     */
    public static EmbeddedDatabase start(Path dataDirectory, int port, boolean durable) throws IOException {
        Files.createDirectories(dataDirectory);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1");
        if (durable) {
            builder.setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on");
        }
        if (port > 0) {
            builder.setPort(port);
        }
        return new EmbeddedDatabase(builder.start());
    }

    public int port() {
        return postgres.getPort();
    }

    /** The JDBC URL of {@code database}, creating it on first use. */
    public String ensureDatabase(String database) throws SQLException {
        createUnlessFound(
                "select 1 from pg_database where datname = ?", database, "create database \"" + database + "\"");
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /**
     * Creates a login role without any attribute (no superuser, no role or database creation) on
     * first use; the migrations grant it its rights. Returns its name.
     */
    public String ensureRole(String role) throws SQLException {
        createUnlessFound(
                "select 1 from pg_roles where rolname = ?",
                role,
                "create role \"" + role + "\" login nosuperuser nocreatedb nocreaterole noinherit");
        return role;
    }

    /** Runs {@code create} (DDL, no parameters) when {@code find} finds no row for {@code name}. */
    private void createUnlessFound(String find, String name, String create) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement(find)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute(create);
            }
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
