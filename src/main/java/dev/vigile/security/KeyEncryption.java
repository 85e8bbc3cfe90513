package dev.vigile.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Private signing keys at rest: AES-256-GCM under a key-encryption key (KEK) that lives outside
 * the database ({@code VIGILE_KEY_ENCRYPTION_KEY}, base64 of 32 bytes), so that a leaked backup
 * cannot mint tokens. A sealed key reads {@code enc:v1:<kek id>:<iv>:<ciphertext>}; the KEK's id
 * (the start of a SHA-256 of it) says which KEK sealed it, so a wrong KEK fails with a clear
 * message rather than a decryption error, and the key id ({@code kid}) is authenticated with it,
 * so a sealed key cannot be moved to another row. Rotation: give the new KEK, and the old one as
 * {@code VIGILE_KEY_ENCRYPTION_KEY_PREVIOUS}; keys sealed under the old one are resealed at start.
 */
public final class KeyEncryption {
    static final String PREFIX = "enc:v1:";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey current;
    private final String currentId;
    private final SecretKey previous;
    private final String previousId;

    private KeyEncryption(SecretKey current, SecretKey previous) {
        this.current = current;
        this.currentId = idOf(current);
        this.previous = previous;
        this.previousId = previous == null ? null : idOf(previous);
    }

    /**
     * From the configured values.
     *
     * @throws IllegalStateException naming the variable, when the KEK is missing or not 32 bytes of
     *     base64
     */
    public static KeyEncryption of(Optional<String> current, Optional<String> previous) {
        SecretKey kek = current.filter(s -> !s.isBlank())
                .map(s -> parse("VIGILE_KEY_ENCRYPTION_KEY", s))
                .orElseThrow(() -> new IllegalStateException(
                        "VIGILE_KEY_ENCRYPTION_KEY is not set: the signing keys stored in the database are"
                                + " encrypted under it (base64 of 32 random bytes, e.g. `openssl rand -base64 32`;"
                                + " ./mvnw -Prun makes one in its data directory)"));
        return new KeyEncryption(
                kek,
                previous.filter(s -> !s.isBlank())
                        .map(s -> parse("VIGILE_KEY_ENCRYPTION_KEY_PREVIOUS", s))
                        .orElse(null));
    }

    /** A fresh KEK, base64: what the launcher writes into its data directory. */
    public static String generate() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static SecretKey parse(String variable, String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(variable + " is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(variable + " must be 32 bytes (256 bits) of base64, not " + bytes.length);
        }
        return new SecretKeySpec(bytes, "AES");
    }

    static String idOf(SecretKey key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("vigile-kek-id:".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(key.getEncoded()), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The PEM sealed under the current KEK, bound to {@code kid}. */
    public String seal(String kid, String pem) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, current, iv, kid, pem.getBytes(StandardCharsets.US_ASCII));
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + currentId + ":" + b64.encodeToString(iv) + ":" + b64.encodeToString(sealed);
    }

    /**
     * The PEM a stored value holds: a sealed one opened with the KEK that sealed it (the current
     * or the previous one), a plain one (from before encryption) as it is.
     *
     * @throws IllegalStateException when neither configured KEK sealed it, or it was tampered with
     */
    public String open(String kid, String stored) {
        if (!stored.startsWith(PREFIX)) {
            return stored;
        }
        String[] parts = stored.substring(PREFIX.length()).split(":");
        if (parts.length != 3) {
            throw new IllegalStateException("Signing key " + kid + " is stored in an unknown form");
        }
        SecretKey kek = parts[0].equals(currentId) ? current : parts[0].equals(previousId) ? previous : null;
        if (kek == null) {
            throw new IllegalStateException(
                    "Signing key " + kid + " was encrypted under another key-encryption key (id " + parts[0]
                            + "; the configured one is " + currentId + "). Set VIGILE_KEY_ENCRYPTION_KEY to that key,"
                            + " or give it as VIGILE_KEY_ENCRYPTION_KEY_PREVIOUS beside the new one to re-encrypt.");
        }
        Base64.Decoder b64 = Base64.getDecoder();
        return new String(
                crypt(Cipher.DECRYPT_MODE, kek, b64.decode(parts[1]), kid, b64.decode(parts[2])),
                StandardCharsets.US_ASCII);
    }

    /** Whether a stored value should be sealed again: plain, or under a KEK other than the current. */
    public boolean needsResealing(String stored) {
        return !stored.startsWith(PREFIX + currentId + ":");
    }

    public String currentId() {
        return currentId;
    }

    private static byte[] crypt(int mode, SecretKey kek, byte[] iv, String kid, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, kek, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException(
                    "Signing key " + kid + " does not open under its key-encryption key: it was altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "Could not " + (mode == Cipher.ENCRYPT_MODE ? "seal" : "open") + " signing key " + kid, e);
        }
    }
}
