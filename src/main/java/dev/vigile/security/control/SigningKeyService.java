package dev.vigile.security.control;

import dev.vigile.platform.FlywayIntegrator.Migrations;
import dev.vigile.security.JwtSettings;
import dev.vigile.security.KeyEncryption;
import dev.vigile.security.KeyEncryptionKeys;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Owns the token-signing keys. A key given in configuration ({@code vigile.jwt.private-key}, PEM)
 * wins, with {@code vigile.jwt.public-keys} published beside it during a rotation; otherwise keys
 * are generated, stored and rotated by {@link SigningKeyStore}. Loaded on first need, whether
 * that is a token to verify or the application starting, and
 * refreshed every minute so that all cluster members follow a rotation.
 */
public final class SigningKeyService {
    private static final Logger LOG = Logger.getLogger(SigningKeyService.class.getName());

    private SigningKeyService() {}

    /** The current ring, loading it first if nothing has yet. */
    public static KeyRing ensureLoaded(JwtSettings jwt, KeyEncryptionKeys keys) {
        KeyRing ring = KeyRing.Current.get();
        if (ring != null) {
            return ring;
        }
        synchronized (SigningKeyService.class) {
            ring = KeyRing.Current.get();
            return ring != null ? ring : refresh(jwt, keys);
        }
    }

    /** Loads the key ring (generating or rotating stored keys when due) and makes it current. */
    public static synchronized KeyRing refresh(JwtSettings jwt, KeyEncryptionKeys keys) {
        Optional<String> configured = jwt.privateKey.filter(s -> !s.isBlank());
        KeyRing ring;
        if (configured.isPresent()) {
            ring = fromConfiguration(configured.get(), jwt.publicKeys);
        } else {
            ring = fromDatabase(jwt, keys);
        }
        KeyRing previous = KeyRing.Current.get();
        KeyRing.Current.set(ring);
        if (previous == null || !previous.kids().equals(ring.kids())) {
            KeyRing r = ring;
            LOG.info(() -> "Signing with key " + r.signingKid() + "; publishing " + r.kids());
        }
        return ring;
    }

    static KeyRing fromConfiguration(String privatePem, Optional<String> extraPublicPems) {
        PrivateKey privateKey = Pem.decodePrivate(privatePem);
        PublicKey publicKey = Pem.publicOf(privateKey);
        String kid = Jwks.thumbprint(publicKey);
        Map<String, PublicKey> published = new HashMap<>();
        published.put(kid, publicKey);
        extraPublicPems.ifPresent(all -> {
            for (String pem : all.split("(?<=-----END PUBLIC KEY-----)")) {
                if (!pem.isBlank()) {
                    PublicKey extra = Pem.decodePublic(pem);
                    published.put(Jwks.thumbprint(extra), extra);
                }
            }
        });
        return new KeyRing(kid, privateKey, published);
    }

    private static KeyRing fromDatabase(JwtSettings jwt, KeyEncryptionKeys keys) {
        Duration rotation = jwt.keyRotation;
        Duration accessTtl = jwt.accessTtl;
        if (rotation.compareTo(SigningKeyStore.PUBLISH_LEAD.multipliedBy(2)) < 0) {
            throw new IllegalStateException("vigile.jwt.key-rotation must be at least 20 minutes");
        }
        KeyEncryption encryption = keys.encryption();
        // The table must exist: run the migrations if Hibernate has not yet.
        Migrations.migrate();
        Config config = ConfigProvider.getConfig(SigningKeyService.class.getClassLoader());
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(config.getValue("vigile.db.url", String.class));
        config.getOptionalValue("vigile.db.user", String.class).ifPresent(ds::setUser);
        config.getOptionalValue("vigile.db.password", String.class).ifPresent(ds::setPassword);
        ds.setConnectTimeout(5);
        try (Connection c = ds.getConnection()) {
            return SigningKeyStore.loadOrRotate(c, rotation, accessTtl, Instant.now(), encryption);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not load the signing keys: " + e.getMessage(), e);
        }
    }
}
