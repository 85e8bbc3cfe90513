package dev.vigile.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Opaque single-use secrets (mailed links, MFA challenges, device tokens, CSRF tokens, and refresh
 * tokens issued before V24): 256 bits from a CSPRNG, base64url. Only their SHA-256 is stored; a
 * fast hash suffices because the token has full entropy (nothing to guess from a dictionary).
 */
public final class OpaqueTokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BYTES = 32;

    private OpaqueTokens() {}

    public static String generate() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String token) {
        return hash(token.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 of {@code bytes}, in lower-case hex: how every full-entropy secret is stored. */
    public static String hash(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cheap shape check before touching the database. */
    public static boolean plausible(String token) {
        return token != null && token.length() == 43 && token.matches("[A-Za-z0-9_-]+");
    }
}
