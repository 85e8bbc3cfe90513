package dev.vigile.security;

import jakarta.enterprise.context.Dependent;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
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
    /** The bare word every token carried as {@code iss} before the issuer became a URL. */
    public static final String LEGACY_ISSUER = "vigile";

    /**
     * The {@code iss} of every token when set ({@code VIGILE_JWT_ISSUER}); else {@code
     * VIGILE_PUBLIC_URL} without its trailing slash; else {@value #LEGACY_ISSUER}. Read through
     * {@link #issuer()}.
     */
    @ConfigProperty(name = "issuer", defaultValue = " ")
    public String configuredIssuer;

    /**
     * Issuers Vigile still accepts on the tokens it signed ({@code VIGILE_JWT_ACCEPTED_ISSUERS},
     * comma-separated): by default the legacy one, so that tokens minted before an upgrade that
     * changed the issuer keep working for the rest of their few minutes.
     */
    @ConfigProperty(name = "accepted-issuers", defaultValue = LEGACY_ISSUER)
    public java.util.List<String> acceptedIssuers;

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

    /**
     * The {@code iss} of every token, as {@link #configuredIssuer} says. (No field caches it: every
     * field of a {@code @ConfigProperties} class is a property to the container.)
     */
    public String issuer() {
        boolean configured = configuredIssuer != null && !configuredIssuer.isBlank();
        return issuerOf(
                Optional.ofNullable(configuredIssuer),
                configured
                        ? Optional.empty()
                        : ConfigProvider.getConfig().getOptionalValue("vigile.public-url", String.class));
    }

    /** {@code VIGILE_JWT_ISSUER}, else the public URL without its trailing slashes, else the legacy word. */
    static String issuerOf(Optional<String> configured, Optional<String> publicUrl) {
        return configured
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .or(() -> publicUrl.map(String::strip).filter(s -> !s.isEmpty()).map(u -> u.replaceAll("/+$", "")))
                .filter(s -> !s.isEmpty())
                .orElse(LEGACY_ISSUER);
    }

    /** Every issuer a token Vigile signed may carry: its own first, then the accepted ones. */
    public String[] issuersAccepted() {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
        all.add(issuer());
        if (acceptedIssuers != null) {
            acceptedIssuers.stream()
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .forEach(all::add);
        }
        return all.toArray(String[]::new);
    }

    /** Settings as the defaults have them, for code wired by hand (unit tests). */
    public static JwtSettings defaults() {
        JwtSettings s = new JwtSettings();
        s.configuredIssuer = LEGACY_ISSUER;
        s.acceptedIssuers = java.util.List.of(LEGACY_ISSUER);
        s.audience = "vigile";
        s.accessTtl = Duration.ofMinutes(5);
        s.nativeSigning = true;
        s.keyRotation = Duration.ofDays(90);
        s.privateKey = Optional.empty();
        s.publicKeys = Optional.empty();
        return s;
    }
}
