package dev.vigile.security.control;

import dev.vigile.security.KeyEncryption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Stored signing keys, shared by every instance of a cluster through the database. Plain JDBC:
 * the keys are loaded first thing at start-up, before JPA is up. A new key is published {@link
 * #PUBLISH_LEAD} before it signs (longer than the minute between two reloads of a member's key
 * ring, so every member verifies with it before any member signs with it); the
 * old key stays published until the last token it signed has expired.
 */
public final class SigningKeyStore {
    private static final Logger LOG = Logger.getLogger(SigningKeyStore.class.getName());

    static final Duration PUBLISH_LEAD = Duration.ofMinutes(10);

    private SigningKeyStore() {}

    private record Stored(String kid, String privatePem, String publicPem, Instant activatesAt) {}

    /**
     * Loads the published keys, generating the first one or the next one when due. Private keys are
     * stored sealed under the key-encryption key; any stored plain (from before encryption) or under
     * the previous KEK is sealed again under the current one.
     */
    public static KeyRing loadOrRotate(
            Connection c, Duration rotation, Duration accessTtl, Instant now, KeyEncryption encryption)
            throws SQLException {
        // PostgreSQL keeps microseconds and rounds: a key stored as activating "now" in nanoseconds
        // could read back a fraction later, not yet active, and leave no signing key at all.
        now = now.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            List<Stored> keys = published(c, now);
            if (keys.stream().anyMatch(k -> encryption.needsResealing(k.privatePem()))) {
                lock(c);
                reseal(c, encryption);
                keys = published(c, now);
            }
            if (rotationDue(keys, rotation, now)) {
                // Serialise generation across the cluster, then look again under the lock.
                lock(c);
                keys = published(c, now);
                Stored active = active(keys, now);
                if (active == null) {
                    insert(c, now, now, encryption);
                } else if (rotationDue(keys, rotation, now)) {
                    Instant next = now.plus(PUBLISH_LEAD);
                    insert(c, now, next, encryption);
                    try (PreparedStatement retire =
                            c.prepareStatement("update signing_keys set retires_at = ? where kid = ?")) {
                        retire.setTimestamp(
                                1, Timestamp.from(next.plus(accessTtl).plus(PUBLISH_LEAD)));
                        retire.setString(2, active.kid());
                        retire.executeUpdate();
                    }
                }
                keys = published(c, now);
            }
            c.commit();
            Stored signing = active(keys, now);
            Map<String, PublicKey> publicKeys = new HashMap<>();
            keys.forEach(k -> publicKeys.put(k.kid(), Pem.decodePublic(k.publicPem())));
            return new KeyRing(
                    signing.kid(), Pem.decodePrivate(encryption.open(signing.kid(), signing.privatePem())), publicKeys);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static void lock(Connection c) throws SQLException {
        try (PreparedStatement lock =
                c.prepareStatement("select pg_advisory_xact_lock(hashtext('vigile.signing_keys'))")) {
            lock.execute();
        }
    }

    /** Seals every stored private key (retired ones too) under the current KEK. */
    private static void reseal(Connection c, KeyEncryption encryption) throws SQLException {
        Map<String, String> resealed = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select kid, private_key from signing_keys");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String kid = rs.getString(1);
                String stored = rs.getString(2);
                if (encryption.needsResealing(stored)) {
                    resealed.put(kid, encryption.seal(kid, encryption.open(kid, stored)));
                }
            }
        }
        try (PreparedStatement update = c.prepareStatement("update signing_keys set private_key = ? where kid = ?")) {
            for (Map.Entry<String, String> e : resealed.entrySet()) {
                update.setString(1, e.getValue());
                update.setString(2, e.getKey());
                update.executeUpdate();
            }
        }
        LOG.info(() ->
                "Sealed " + resealed.size() + " signing key(s) under key-encryption key " + encryption.currentId());
    }

    private static boolean rotationDue(List<Stored> keys, Duration rotation, Instant now) {
        Stored active = active(keys, now);
        return active == null
                || (!active.activatesAt().plus(rotation).isAfter(now)
                        && keys.stream().noneMatch(k -> k.activatesAt().isAfter(now)));
    }

    /** The newest key already active, or null. Keys come newest first. */
    private static Stored active(List<Stored> keys, Instant now) {
        return keys.stream()
                .filter(k -> !k.activatesAt().isAfter(now))
                .findFirst()
                .orElse(null);
    }

    private static List<Stored> published(Connection c, Instant now) throws SQLException {
        List<Stored> keys = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("select kid, private_key, public_key, activates_at from signing_keys"
                        + " where retires_at is null or retires_at > ? order by activates_at desc")) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(new Stored(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getTimestamp(4).toInstant()));
                }
            }
        }
        return keys;
    }

    private static void insert(Connection c, Instant now, Instant activatesAt, KeyEncryption encryption)
            throws SQLException {
        KeyPair pair = newKeyPair();
        String kid = Jwks.thumbprint(pair.getPublic());
        try (PreparedStatement ps =
                c.prepareStatement("insert into signing_keys (kid, algorithm, private_key, public_key, created_at,"
                        + " activates_at) values (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, kid);
            ps.setString(2, KeyRing.ALGORITHM);
            ps.setString(3, encryption.seal(kid, Pem.encodePrivate(pair.getPrivate())));
            ps.setString(4, Pem.encodePublic(pair.getPublic()));
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setTimestamp(6, Timestamp.from(activatesAt));
            ps.executeUpdate();
        }
        LOG.info(() -> "Generated signing key " + kid + ", signing from " + activatesAt);
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(KeyRing.RSA_BITS);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
