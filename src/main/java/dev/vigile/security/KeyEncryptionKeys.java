package dev.vigile.security;

import jakarta.enterprise.context.Dependent;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The key-encryption key and the one it replaces during a rotation ({@code
 * vigile.key-encryption-key}, {@code vigile.key-encryption-key-previous}), read once; what they
 * seal (signing keys, TOTP secrets) is opened through {@link #encryption()}. Injected as {@code
 * @Inject @ConfigProperties KeyEncryptionKeys}.
 */
@ConfigProperties(prefix = "vigile")
@Dependent
public class KeyEncryptionKeys {
    @ConfigProperty(name = "key-encryption-key")
    public Optional<String> current;

    @ConfigProperty(name = "key-encryption-key-previous")
    public Optional<String> previous;

    /** The keys as given, for code wired by hand. */
    public static KeyEncryptionKeys of(Optional<String> current, Optional<String> previous) {
        KeyEncryptionKeys k = new KeyEncryptionKeys();
        k.current = current;
        k.previous = previous;
        return k;
    }

    /**
     * The encryption under these keys.
     *
     * @throws IllegalStateException when no key is set, or one is not 32 bytes of base64
     */
    public KeyEncryption encryption() {
        return KeyEncryption.of(current, previous);
    }
}
