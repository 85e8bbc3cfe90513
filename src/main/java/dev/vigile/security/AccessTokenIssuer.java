package dev.vigile.security;

import dev.vigile.security.control.KeyRing;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.Provider;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * Issues access tokens: RS256 JWTs with the claims MicroProfile JWT requires ({@code iss}, {@code
 * sub}, {@code upn}, {@code groups}, {@code exp}, {@code iat}, {@code jti}) plus {@code sid}, the
 * session they belong to, so revoking a session cuts its tokens off.
 */
@ApplicationScoped
public class AccessTokenIssuer {
    public static final String SESSION_CLAIM = "sid";

    /** A service account's tokens have the subject {@code client:<clientId>}, never a user's id. */
    public static final String CLIENT_SUBJECT_PREFIX = "client:";

    /** The private claim naming a service account's internal id (its tokens' cut-off key). */
    public static final String CLIENT_ID_CLAIM = "vigile_cid";

    @Inject
    Clock clock;

    @Inject
    @ConfigProperties
    JwtSettings settings = JwtSettings.defaults();

    /** The native provider registered at start ({@link NativeSigning}), or null: the JDK signs. */
    private Provider signer;

    private ProviderContext signing;

    @PostConstruct
    void chooseSigner() {
        signer = settings.nativeSigning ? NativeSigning.register() : null;
        signing = new ProviderContext();
        if (signer != null) {
            signing.getSuppliedKeyProviderContext().setSignatureProvider(signer.getName());
        }
    }

    @PreDestroy
    void releaseSigner() {
        NativeSigning.unregister(signer);
    }

    /** The name of the provider that signs access tokens. */
    public String signingProvider() {
        return signer == null ? "JDK" : signer.getName();
    }

    /** A signed token and its lifetime in seconds. */
    public record AccessToken(String value, long expiresIn) {}

    /**
     * @param generation the user's token generation, read with the roles and permissions in {@code
     *     groups} ({@link TokenCutoffs})
     * @param amr how the user authenticated (RFC 8176 values: {@code pwd}, {@code otp})
     */
    public AccessToken issue(
            UUID userId, String email, Collection<String> groups, UUID sessionId, long generation, List<String> amr) {
        long iat = clock.instant().getEpochSecond();
        long ttl = settings.accessTtl.toSeconds();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(settings.issuer());
        claims.setAudience(settings.audience);
        claims.setSubject(userId.toString());
        claims.setClaim("upn", email);
        claims.setStringListClaim("groups", List.copyOf(groups));
        claims.setIssuedAt(NumericDate.fromSeconds(iat));
        claims.setExpirationTime(NumericDate.fromSeconds(iat + ttl));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim(TokenCutoffs.CLAIM, generation);
        claims.setStringListClaim("amr", List.copyOf(amr));
        // Every user token is a session's (AccessTokenVerifier refuses one without sid).
        claims.setClaim(
                SESSION_CLAIM,
                java.util.Objects.requireNonNull(sessionId, "a user token names its session")
                        .toString());
        return sign(claims, ttl);
    }

    /**
     * A service account's token (RFC 6749 section 4.4): {@code sub} {@code client:<clientId>},
     * {@code client_id}, its roles and permissions in {@code groups}, no {@code upn}, session or
     * {@code amr}.
     *
     * @param id the client's internal id, the key of its cut-offs
     * @param generation the client's token generation, read with {@code groups}
     * @param notAfter the client's expiry, which the token does not outlive; null for none
     */
    public AccessToken issueForClient(
            UUID id, String clientId, Collection<String> groups, long generation, java.time.Instant notAfter) {
        long iat = clock.instant().getEpochSecond();
        long ttl = settings.accessTtl.toSeconds();
        if (notAfter != null) {
            // A service that verifies offline must not accept it past the client's own expiry.
            ttl = Math.max(1, Math.min(ttl, notAfter.getEpochSecond() - iat));
        }
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(settings.issuer());
        claims.setAudience(settings.audience);
        claims.setSubject(CLIENT_SUBJECT_PREFIX + clientId);
        claims.setClaim("client_id", clientId);
        claims.setClaim(CLIENT_ID_CLAIM, id.toString());
        claims.setStringListClaim("groups", List.copyOf(groups));
        claims.setIssuedAt(NumericDate.fromSeconds(iat));
        claims.setExpirationTime(NumericDate.fromSeconds(iat + ttl));
        claims.setJwtId(UUID.randomUUID().toString());
        claims.setClaim(TokenCutoffs.CLAIM, generation);
        return sign(claims, ttl);
    }

    /**
     * A Security Event Token (RFC 8417) of these claims, signed as access tokens are, with the
     * header {@code typ: secevent+jwt} (RFC 8417 section 2.3) so that it can never pass for one.
     */
    public String signSecurityEvent(String claimsJson) {
        return compact(claimsJson, "secevent+jwt");
    }

    /** Vigile's issuer, as tokens and security events carry it. */
    public String issuerName() {
        return settings.issuer();
    }

    private AccessToken sign(JwtClaims claims, long ttl) {
        return new AccessToken(compact(claims.toJson(), "JWT"), ttl);
    }

    /** The payload signed RS256 with the current key, under this {@code typ}. */
    private String compact(String payload, String typ) {
        KeyRing ring = KeyRing.Current.get();
        if (ring == null) {
            throw new IllegalStateException("No signing key loaded");
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(payload);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", typ);
        jws.setKeyIdHeaderValue(ring.signingKid());
        jws.setKey(ring.signingKey());
        jws.setProviderContext(signing);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("Could not sign a " + typ, e);
        }
    }
}
