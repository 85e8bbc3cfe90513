package dev.vigile.security;

import jakarta.enterprise.context.Dependent;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The access tokens' settings ({@code vigile.jwt.*}), read once, in one place: who issues them and
 * for whom, how long they live, how they are signed and how the signing key turns over. Injected
 * as {@code @Inject @ConfigProperties JwtSettings}.
 */
@ConfigProperties(prefix = "vigile.jwt")
@Dependent
public class JwtSettings {
    /** The {@code iss} of every token ({@code VIGILE_JWT_ISSUER}). */
    @ConfigProperty(name = "issuer", defaultValue = "vigile")
    public String issuer;

    /** The {@code aud} of every token ({@code VIGILE_JWT_AUDIENCE}). */
    @ConfigProperty(name = "audience", defaultValue = "vigile")
    public String audience;

    /** An access token's lifetime ({@code VIGILE_JWT_ACCESS_TTL}). */
    @ConfigProperty(name = "access-ttl", defaultValue = "PT5M")
    public Duration accessTtl;

    /** Whether a native provider signs when the platform has one ({@code VIGILE_JWT_NATIVE_SIGNING}). */
    @ConfigProperty(name = "native-signing", defaultValue = "true")
    public boolean nativeSigning;

    /** How often stored signing keys turn over ({@code VIGILE_JWT_KEY_ROTATION}). */
    @ConfigProperty(name = "key-rotation", defaultValue = "P90D")
    public Duration keyRotation;

    /** A signing key given by the operator (PEM), which then wins over stored keys. */
    @ConfigProperty(name = "private-key")
    public Optional<String> privateKey;

    /** Public keys (PEM) published beside a given key during a rotation. */
    @ConfigProperty(name = "public-keys")
    public Optional<String> publicKeys;

    /** Settings as the defaults have them, for code wired by hand (unit tests). */
    public static JwtSettings defaults() {
        JwtSettings s = new JwtSettings();
        s.issuer = "vigile";
        s.audience = "vigile";
        s.accessTtl = Duration.ofMinutes(5);
        s.nativeSigning = true;
        s.keyRotation = Duration.ofDays(90);
        s.privateKey = Optional.empty();
        s.publicKeys = Optional.empty();
        return s;
    }
}
