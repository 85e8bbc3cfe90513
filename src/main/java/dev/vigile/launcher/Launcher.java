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
     * A secret kept in the data directory ({@code file}, owner-only), made on first use: 32 random
     * bytes in base64. Kept apart from database backups, it is what a backup cannot forge or read.
     */
    static String secret(Path data, String file, String what, String variable) throws java.io.IOException {
        Path path = data.resolve(file);
        if (java.nio.file.Files.exists(path)) {
            return java.nio.file.Files.readString(path).strip();
        }
        java.nio.file.Files.createDirectories(data);
        String value = dev.vigile.security.KeyEncryption.generate();
        java.nio.file.Files.createFile(
                path,
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        java.nio.file.Files.writeString(path, value + "\n");
        System.out.println("Generated " + what + " in " + path
                + " (owner-only). Keep it, apart from database backups; set " + variable + " to use your own.");
        return value;
    }

    /** Sets {@code variable} from the data directory's secret unless the environment gives one. */
    private static void secretUnlessGiven(
            Map<String, String> sysEnv, Map<String, String> env, Path data, String variable, String file, String what)
            throws java.io.IOException {
        String given = sysEnv.get(variable);
        if (given == null || given.isBlank()) {
            env.put(variable, secret(data, file, what, variable));
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> sysEnv = System.getenv();
        int port = Integer.parseInt(sysEnv.getOrDefault("VIGILE_PORT", "8080"));
        Map<String, String> env = new HashMap<>();
        EmbeddedDatabase embedded = null;
        String dbUrl = sysEnv.get("VIGILE_DB_URL");
        Path data = Path.of(sysEnv.getOrDefault("VIGILE_DATA_DIR", "data")).toAbsolutePath();
        if (!sysEnv.containsKey("VIGILE_JWT_PRIVATE_KEY")) {
            secretUnlessGiven(
                    sysEnv,
                    env,
                    data,
                    "VIGILE_KEY_ENCRYPTION_KEY",
                    "key-encryption-key",
                    "a key-encryption key for the signing keys");
        }
        secretUnlessGiven(sysEnv, env, data, "VIGILE_AUDIT_KEY", "audit-key", "the audit chain's key");
        if (dbUrl == null || dbUrl.isBlank()) {
            System.out.println("No VIGILE_DB_URL: starting the embedded PostgreSQL in " + data);
            embedded = EmbeddedDatabase.start(data.resolve("postgres"));
            env.put("VIGILE_DB_URL", embedded.ensureDatabase("vigile"));
            // Migrations run as the superuser that owns the schema; the application as a role that
            // owns nothing and may only append to the audit chain.
            env.put("VIGILE_DB_MIGRATION_USER", EmbeddedDatabase.USER);
            env.put("VIGILE_DB_MIGRATION_PASSWORD", "embedded");
            env.put("VIGILE_DB_USER", embedded.ensureRole(EmbeddedDatabase.RUNTIME_USER));
            // Trust authentication on 127.0.0.1: any non-empty password is accepted.
            env.put("VIGILE_DB_PASSWORD", "embedded");
        }
        EmbeddedMail mail = null;
        String smtpHost = sysEnv.get("VIGILE_MAIL_SMTP_HOST");
        if (smtpHost == null || smtpHost.isBlank()) {
            mail = EmbeddedMail.start(data.resolve("mail"), 3025);
            env.put("VIGILE_MAIL_SMTP_HOST", "127.0.0.1");
            env.put("VIGILE_MAIL_SMTP_PORT", String.valueOf(mail.port()));
            env.put("VIGILE_MAIL_SMTP_SECURITY", "none");
            System.out.println(
                    "No VIGILE_MAIL_SMTP_HOST: the embedded SMTP server (GreenMail) listens on 127.0.0.1:" + mail.port()
                            + "; every mail Vigile sends is written to " + data.resolve("mail") + " (.eml files)");
        }
        PayaraProcess.Cluster cluster = PayaraProcess.Cluster.fromEnvironment(sysEnv);
        String clusterSecret = sysEnv.get("VIGILE_CLUSTER_SECRET");
        if (cluster != null && (clusterSecret == null || clusterSecret.isBlank())) {
            System.err.println("VIGILE_CLUSTER_NAME is set but VIGILE_CLUSTER_SECRET is not: the data grid does not"
                    + " authenticate its members, so every member signs its messages with that shared secret."
                    + " Set the same long random value on every member.");
            System.exit(2);
        }
        PayaraProcess payara = PayaraProcess.start(
                PayaraProcess.Layout.fromSystemProperties().withClassData(data.resolve("payara")),
                port,
                env,
                null,
                List.of(),
                cluster);
        System.out.println(payara.classDataNote());
        EmbeddedDatabase db = embedded;
        EmbeddedMail smtp = mail;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            payara.close();
            if (smtp != null) {
                smtp.close();
            }
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
