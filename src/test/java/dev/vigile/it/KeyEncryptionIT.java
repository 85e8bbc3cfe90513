package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigile.security.KeyEncryption;
import dev.vigile.security.control.KeyRing;
import dev.vigile.security.control.Pem;
import dev.vigile.security.control.SigningKeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Signing keys at rest, on a real PostgreSQL: the running server's table holds no parseable
 * private key; a wrong key-encryption key fails clearly; a rotation of the KEK re-encrypts.
 */
@SharedServer
class KeyEncryptionIT {
    static final Duration ROTATION = Duration.ofDays(90);
    static final Duration TTL = Duration.ofMinutes(5);

    /** Every stored private key of this database. */
    static List<String> stored(Connection c) throws Exception {
        List<String> keys = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select private_key from signing_keys")) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    @Test
    void theServersDatabaseHoldsNoParseablePrivateKey() throws Exception {
        TestServer server = TestServer.get();
        assertEquals(200, new Api().get("/.well-known/jwks.json", null).status());
        try (Connection c = server.db()) {
            List<String> keys = stored(c);
            assertFalse(keys.isEmpty());
            for (String key : keys) {
                assertTrue(key.startsWith("enc:v1:"), "sealed: " + key.substring(0, Math.min(20, key.length())));
                assertFalse(key.contains("PRIVATE KEY"));
                assertThrows(RuntimeException.class, () -> Pem.decodePrivate(key));
            }
        }
    }

    @Test
    void aWrongKekFailsClearlyAndARotationReencrypts() throws Exception {
        TestServer.Database db = TestServer.newDatabase("vigile_kek");
        try {
            dev.vigile.platform.FlywayIntegrator.Migrations.flyway(
                            db.jdbcUrl(), db.owner(), db.ownerPassword(), db.user())
                    .migrate();
            String first = KeyEncryption.generate();
            String second = KeyEncryption.generate();
            KeyEncryption underFirst = KeyEncryption.of(Optional.of(first), Optional.empty());
            KeyEncryption underSecond = KeyEncryption.of(Optional.of(second), Optional.empty());
            // As the application's role: what it may do is all the key store needs.
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
                KeyRing ring = SigningKeyStore.loadOrRotate(c, ROTATION, TTL, Instant.now(), underFirst);
                // A key from before encryption, stored plain: sealed at the next start.
                String plainKid = "legacy-" + System.nanoTime();
                try (var ps = c.prepareStatement(
                        "insert into signing_keys (kid, algorithm, private_key, public_key, created_at, activates_at, retires_at)"
                                + " values (?, 'RS256', ?, ?, now() - interval '1 day', now() - interval '1 day', now() + interval '1 day')")) {
                    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
                    generator.initialize(2048);
                    java.security.KeyPair keys = generator.generateKeyPair();
                    ps.setString(1, plainKid);
                    ps.setString(2, Pem.encodePrivate(keys.getPrivate()));
                    ps.setString(3, Pem.encodePublic(keys.getPublic()));
                    ps.executeUpdate();
                }
                SigningKeyStore.loadOrRotate(c, ROTATION, TTL, Instant.now(), underFirst);
                assertTrue(
                        stored(c).stream().allMatch(k -> k.startsWith("enc:v1:" + underFirst.currentId() + ":")),
                        "the plain key was sealed");

                IllegalStateException wrong = assertThrows(
                        IllegalStateException.class,
                        () -> SigningKeyStore.loadOrRotate(c, ROTATION, TTL, Instant.now(), underSecond));
                assertTrue(wrong.getMessage().contains("another key-encryption key"), wrong.getMessage());
                assertTrue(wrong.getMessage().contains("VIGILE_KEY_ENCRYPTION_KEY_PREVIOUS"), wrong.getMessage());

                KeyEncryption rotating = KeyEncryption.of(Optional.of(second), Optional.of(first));
                KeyRing afterRotation = SigningKeyStore.loadOrRotate(c, ROTATION, TTL, Instant.now(), rotating);
                assertEquals(ring.signingKid(), afterRotation.signingKid(), "the same signing key, re-encrypted");
                assertTrue(
                        stored(c).stream().allMatch(k -> k.startsWith("enc:v1:" + underSecond.currentId() + ":")),
                        "every key re-encrypted");
                assertEquals(
                        ring.signingKid(),
                        SigningKeyStore.loadOrRotate(c, ROTATION, TTL, Instant.now(), underSecond)
                                .signingKid(),
                        "the new KEK alone now opens them");
                assertThrows(
                        IllegalStateException.class,
                        () -> SigningKeyStore.loadOrRotate(c, ROTATION, TTL, Instant.now(), underFirst),
                        "the old KEK no longer does");
            }
        } finally {
            db.cleanup().close();
        }
    }
}
