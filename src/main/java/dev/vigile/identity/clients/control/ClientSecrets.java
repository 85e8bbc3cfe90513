package dev.vigile.identity.clients.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Client identifiers and secrets. A secret is 256 random bits (base64url, with a {@value #PREFIX}
 * prefix that secret scanners can match); only its SHA-256 is stored, which is enough for a value
 * nobody can guess (OWASP Password Storage: slow hashes are for low-entropy passwords) and keeps
 * the token endpoint cheap.
 */
public final class ClientSecrets {
    static final String PREFIX = "vgs_";
    static final String ID_PREFIX = "vgc_";

    /** Longer than any secret or identifier Vigile makes; refused before any work. */
    public static final int MAX_LENGTH = 128;

    private static final SecureRandom RANDOM = new SecureRandom();

    private ClientSecrets() {}

    /** A new client identifier: public, unique, 16 random bytes. */
    static String newClientId() {
        return ID_PREFIX + random(16);
    }

    /** A new secret, to be shown once. */
    static String newSecret() {
        return PREFIX + random(32);
    }

    /**
     * Whether the text can be a client identifier at all (the database's rule): anything else, a
     * NUL or a look-alike letter, is refused before it reaches a query.
     */
    static boolean wellFormed(String clientId) {
        return clientId.matches("[A-Za-z0-9_-]{8,64}");
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
