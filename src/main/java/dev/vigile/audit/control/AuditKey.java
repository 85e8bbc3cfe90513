package dev.vigile.audit.control;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of the audit chain ({@code VIGILE_AUDIT_KEY}, base64 of 32 bytes), kept outside the
 * database. Each sealed row's {@code link} is HMAC-SHA256 under it of the previous row's link and
 * the row's own hash (V7__keyed_audit_chain.sql computes it when the row commits; {@link
 * AuditQueries#verify} recomputes it here), so whoever rewrites a row and recomputes the plain
 * hashes still cannot make the links agree.
 */
public final class AuditKey {
    static final String ANCHOR_PREFIX = "vigile-audit-keyed-from:";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final String hex;
    /** One initialised MAC per thread: verify links every row, and writers run on many threads. */
    private final ThreadLocal<Mac> macs;

    private AuditKey(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
        this.hex = HexFormat.of().formatHex(key);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /**
     * From the configured value.
     *
     * @throws IllegalStateException naming the variable, when missing or not 32 bytes of base64
     */
    public static AuditKey of(Optional<String> configured) {
        String base64 = configured
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalStateException(
                        "VIGILE_AUDIT_KEY is not set: every audit row is chained under this key, kept outside the"
                                + " database (base64 of 32 random bytes, e.g. `openssl rand -base64 32`; ./mvnw -Prun"
                                + " makes one in its data directory)"));
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("VIGILE_AUDIT_KEY is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(
                    "VIGILE_AUDIT_KEY must be 32 bytes (256 bits) of base64, not " + bytes.length);
        }
        return new AuditKey(bytes);
    }

    /** The key in hex, as the sealing trigger reads it from {@code vigile.audit_key}. */
    String hex() {
        return hex;
    }

    /** The link of a row whose hash is {@code hash}, after a row whose link is {@code previousLink}. */
    String link(String previousLink, String hash) {
        return mac(previousLink + hash);
    }

    /** What signs the id from which rows must carry a link. */
    String anchor(long fromId) {
        return mac(ANCHOR_PREFIX + fromId);
    }

    /**
     * The signature of a position in the chain (the event {@code uptoId}, its hash and link) under
     * {@code label}: a retention checkpoint's or a verified mark's, each with its own label, so one
     * is never the other.
     */
    String signPosition(String label, long uptoId, String hash, String link) {
        return mac(label + uptoId + ":" + hash + ":" + (link == null ? "" : link));
    }

    /** Whether a stored signature is {@code expected}, in constant time. */
    static boolean matches(String expected, String stored) {
        return stored != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII), stored.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Hands the key to the database for the connection's current transaction only, as the
     * functions that check a signature under it ({@code audit_retire}, {@code audit_mark_verified})
     * read it: bound as a parameter, gone at commit.
     */
    void lendTo(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select set_config('vigile.audit_key', ?, true)")) {
            ps.setString(1, hex);
            ps.executeQuery().close();
        }
    }

    String mac(String text) {
        return HexFormat.of().formatHex(macs.get().doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
