package dev.vigile.security;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import java.security.MessageDigest;
import java.util.logging.Logger;

/**
 * Argon2id by libargon2, the reference C implementation of the password-hashing competition's
 * winner, through argon2-jvm (which bundles the library and calls it with JNA). At OWASP's cost
 * (m=19456 KiB, t=2, p=1) it took 24-26 ms of CPU a hash on this project's machine against
 * 28-40 ms for Bouncy Castle's Java code in the same loop; the bytes are the same, so a PHC string
 * either one wrote is checked by the other. The library wipes its memory before freeing it.
 *
 * <p>It is used only where it loads and gives Bouncy Castle's answer to a known question at start
 * (a small cost, so the check costs nothing); elsewhere {@link Argon2Phc} hashes with Bouncy Castle.
 */
final class NativeArgon2 {
    private static final Logger LOG = Logger.getLogger(NativeArgon2.class.getName());

    private final Argon2Advanced library;

    private NativeArgon2(Argon2Advanced library) {
        this.library = library;
    }

    /** The native implementation, or null where it cannot be used (the reason is logged). */
    static NativeArgon2 load() {
        try {
            NativeArgon2 candidate = new NativeArgon2(Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id));
            byte[] salt = "vigile-self-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] password = "correct horse ☃".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] expected = Argon2Phc.javaArgon2(
                    org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id, null, 64, 2, 1, salt, password, 32);
            if (!MessageDigest.isEqual(expected, candidate.argon2id(64, 2, 1, salt, password, 32))) {
                LOG.warning("Passwords are hashed by Bouncy Castle: libargon2 gave another answer to the self-test");
                return null;
            }
            return candidate;
        } catch (RuntimeException | LinkageError e) {
            LOG.info("Passwords are hashed by Bouncy Castle: libargon2 did not load (" + e + ")");
            return null;
        }
    }

    /**
     * Argon2id, version 0x13, of these UTF-8 password bytes. Parameters the library refuses (a
     * stored hash of an impossible cost) raise {@link IllegalStateException}, which the caller
     * counts as no match, as it does Bouncy Castle's refusals.
     */
    byte[] argon2id(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] password, int length) {
        return library.rawHashAdvanced(
                iterations, memoryKib, parallelism, password, salt, null, null, length, Argon2Version.V13);
    }
}
