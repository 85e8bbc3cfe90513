package dev.vigile.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./mvnw -Prun}: starts Vigile on Payara Micro, with an embedded PostgreSQL in {@code
 * ./data} unless {@code VIGILE_DB_URL} names a database, and says where it listens once the
 * application (not just Payara) is ready. Ctrl-C stops both.
 */
public final class Launcher {
  private Launcher() {}

  /**
   * The key-encryption key kept in the data directory ({@code key-encryption-key}, owner-only),
   * made on first use: the signing keys in the database are sealed under it. Kept apart from a
   * database backup, it is what makes the backup unable to mint tokens.
   */
  static String keyEncryptionKey(Path data) throws java.io.IOException {
    Path file = data.resolve("key-encryption-key");
    if (java.nio.file.Files.exists(file)) {
      return java.nio.file.Files.readString(file).strip();
    }
    java.nio.file.Files.createDirectories(data);
    String kek = dev.vigile.security.control.KeyEncryption.generate();
    java.nio.file.Files.createFile(
        file,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    java.nio.file.Files.writeString(file, kek + "\n");
    System.out.println("Generated a key-encryption key for the signing keys in " + file
        + " (owner-only). Keep it, apart from database backups; set VIGILE_KEY_ENCRYPTION_KEY to use your own.");
    return kek;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> sysEnv = System.getenv();
    int port = Integer.parseInt(sysEnv.getOrDefault("VIGILE_PORT", "8080"));
    Map<String, String> env = new HashMap<>();
    EmbeddedDatabase embedded = null;
    String dbUrl = sysEnv.get("VIGILE_DB_URL");
    Path data = Path.of(sysEnv.getOrDefault("VIGILE_DATA_DIR", "data")).toAbsolutePath();
    String kek = sysEnv.get("VIGILE_KEY_ENCRYPTION_KEY");
    if ((kek == null || kek.isBlank()) && !sysEnv.containsKey("VIGILE_JWT_PRIVATE_KEY")) {
      env.put("VIGILE_KEY_ENCRYPTION_KEY", keyEncryptionKey(data));
    }
    if (dbUrl == null || dbUrl.isBlank()) {
      System.out.println("No VIGILE_DB_URL: starting the embedded PostgreSQL in " + data);
      embedded = EmbeddedDatabase.start(data.resolve("postgres"));
      env.put("VIGILE_DB_URL", embedded.ensureDatabase("vigile"));
      env.put("VIGILE_DB_USER", EmbeddedDatabase.USER);
      // Trust authentication on 127.0.0.1: any non-empty password is accepted.
      env.put("VIGILE_DB_PASSWORD", "embedded");
    }
    PayaraProcess.Cluster cluster = PayaraProcess.Cluster.fromEnvironment(sysEnv);
    String clusterSecret = sysEnv.get("VIGILE_CLUSTER_SECRET");
    if (cluster != null && (clusterSecret == null || clusterSecret.isBlank())) {
      System.err.println("VIGILE_CLUSTER_NAME is set but VIGILE_CLUSTER_SECRET is not: the data grid does not"
          + " authenticate its members, so every member signs its messages with that shared secret."
          + " Set the same long random value on every member.");
      System.exit(2);
    }
    PayaraProcess payara =
        PayaraProcess.start(
            PayaraProcess.Layout.fromSystemProperties(),
            port,
            env,
            null,
            List.of(),
            cluster);
    EmbeddedDatabase db = embedded;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  payara.close();
                  if (db != null) {
                    try {
                      db.close();
                    } catch (Exception ignored) {
                      // shutting down
                    }
                  }
                }));
    payara.awaitReady(Duration.ofMinutes(3));
    System.out.println();
    System.out.println("Vigile is ready on http://localhost:" + port
        + "  (API /api, JWKS /.well-known/jwks.json, health /health/ready). Ctrl-C stops it.");
    System.out.println();
    while (payara.alive()) {
      Thread.sleep(1000);
    }
  }
}
