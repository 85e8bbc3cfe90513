package dev.vigile.identity.sessions.control;

import dev.vigile.security.OpaqueTokens;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Refresh tokens that name their session, so that a session keeps one row however often it
 * rotates (RFC 9700 section 4.14.2 without a stored row per rotation). A token is 73 bytes,
 * base64url without padding (98 characters):
 *
 * <pre>
 *   0x01 | session id (16 bytes) | rotation (8 bytes) | secret (32 bytes from a CSPRNG) | tag (16 bytes)
 * </pre>
 *
 * The session stores the SHA-256 of the first 57 bytes of its current token (never the token), its
 * rotation, and a random key of its own; the tag is the first 16 bytes of HMAC-SHA256 under that
 * key of the same 57 bytes. The current token is recognised by its hash; a token whose tag holds
 * under its session's key and whose rotation is behind the session's is one the session issued
 * and has since rotated: a replay, which revokes the session, however many rotations ago it was
 * issued. One ahead of the session's (its rotation was lost: a restore, a failover to a replica
 * that missed the commit) is not a replay, only unknown. Without the key nobody can make a tagged
 * token, so knowing a session's id (it is in every access token) is not enough to have that
 * session revoked.
 */
final class RefreshTokens {
    private static final int LENGTH = 98;
    private static final byte VERSION = 1;
    private static final int SIGNED = 1 + 16 + 8 + 32;
    private static final int TAG = 16;
    private static final int KEY = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    });

    private RefreshTokens() {}

    /** A session's own key, stored with it. */
    static byte[] newKey() {
        byte[] key = new byte[KEY];
        RANDOM.nextBytes(key);
        return key;
    }

    /** A token presented by a client, taken apart; its tag is not checked yet. */
    record Presented(UUID sessionId, long rotation, String hash, byte[] signed, byte[] tag) {
        /** Whether the session whose key is {@code key} (null: it has none) issued this token. */
        boolean issuedUnder(byte[] key) {
            return key != null && key.length == KEY && MessageDigest.isEqual(tag, tagOf(key, signed));
        }
    }

    /**
     * The next token of a session, before its key is known: what is stored is {@link #hash} and
     * {@link #rotation}.
     */
    record Successor(long rotation, byte[] signed, String hash) {
        /** The token as handed to the client. */
        String sealedUnder(byte[] key) {
            byte[] token = Arrays.copyOf(signed, SIGNED + TAG);
            System.arraycopy(tagOf(key, signed), 0, token, SIGNED, TAG);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        }
    }

    /** The session's token number {@code rotation} (its first is 0). */
    static Successor successor(UUID sessionId, long rotation) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        byte[] signed = ByteBuffer.allocate(SIGNED)
                .put(VERSION)
                .putLong(sessionId.getMostSignificantBits())
                .putLong(sessionId.getLeastSignificantBits())
                .putLong(rotation)
                .put(secret)
                .array();
        return new Successor(rotation, signed, OpaqueTokens.hash(signed));
    }

    /** The token taken apart; null unless it has the shape and version of one (one from before V24 has 43 characters). */
    static Presented parse(String token) {
        if (token == null || token.length() != LENGTH) {
            return null;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return null;
        }
        // The decoder ignores the last character's unused bits: only the one spelling is the token.
        if (bytes.length != SIGNED + TAG
                || bytes[0] != VERSION
                || !Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(bytes)
                        .equals(token)) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, 24);
        UUID sessionId = new UUID(buffer.getLong(), buffer.getLong());
        long rotation = buffer.getLong();
        if (rotation < 0 || rotation == Long.MAX_VALUE) {
            return null;
        }
        byte[] signed = Arrays.copyOf(bytes, SIGNED);
        return new Presented(
                sessionId,
                rotation,
                OpaqueTokens.hash(signed),
                signed,
                Arrays.copyOfRange(bytes, SIGNED, SIGNED + TAG));
    }

    private static byte[] tagOf(byte[] key, byte[] signed) {
        Mac mac = MACS.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A session's refresh key does not fit HMAC-SHA256", e);
        }
        return Arrays.copyOf(mac.doFinal(signed), TAG);
    }
}
