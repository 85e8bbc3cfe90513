package dev.vigile.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vigile.security.control.KeyRing;
import dev.vigile.security.control.SigningKeyService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Verifies an access token, for every way one reaches Vigile: the {@code Authorization: Bearer}
 * header of the API (through {@code BearerTokenAuthModule}), the WebSocket handshake and its {@code
 * refresh} message. The rules are MicroProfile JWT's, narrowed to what Vigile issues (RFC 8725):
 * RS256 only, header {@code typ: JWT}, a key of Vigile's ring by {@code kid}, Vigile's issuer and
 * audience, and {@code exp}, {@code iat}, {@code sub}, {@code jti} required. It says apart an
 * expired token (WebSocket close code 4002) from an invalid one.
 *
 * <p>The keys are the parsed ones the ring holds in memory. A token that verified is remembered,
 * by its exact text, until it expires or the ring changes, so that a client sending the same token
 * many times pays for its signature once; every answer from memory still checks {@code exp}
 * against the clock. Invalid tokens are never remembered. Whether a verified token has been cut
 * off (logout, revoked session, changed roles) is not a property of the token and is checked on
 * every request by the caller ({@code TokenRevocation}).
 */
@ApplicationScoped
public class AccessTokenVerifier {
    /** Longer than any header a client can send; refused before any parsing. */
    public static final int MAX_TOKEN_LENGTH = 8192;

    /** How many verified tokens are remembered: about 2 KiB each. */
    static final int REMEMBERED = 10_000;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperties
    JwtSettings settings = JwtSettings.defaults();

    @Inject
    @ConfigProperties
    KeyEncryptionKeys keys = KeyEncryptionKeys.of(java.util.Optional.empty(), java.util.Optional.empty());

    private volatile Cache<String, Remembered> verified;

    /** A verified token, the ring it was verified against and the key that verified it. */
    private record Remembered(KeyRing ring, String kid, PublicKey key, Valid valid) {
        /** Whether the key is still published: the ring is reloaded every minute, mostly unchanged. */
        boolean stillTrusted(KeyRing current) {
            return current == ring || key.equals(current.published().get(kid));
        }
    }

    /** The outcome of a verification. */
    public sealed interface Result {}

    /**
     * A valid token's facts.
     *
     * @param signedIn whether the token carries the signed-in group: a token that may only enroll a
     *     second factor ({@code mfa:enroll}) does not
     * @param token the token as MicroProfile JWT's {@code JsonWebToken}
     */
    public record Valid(CurrentCaller caller, long expiresAt, boolean signedIn, Set<String> groups, VerifiedToken token)
            implements Result {}

    /** Signature and claims fine, but past {@code exp}. */
    public record Expired() implements Result {}

    /** Anything else. */
    public record Invalid() implements Result {}

    public Result verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH || !compactJws(token)) {
            return new Invalid();
        }
        KeyRing ring = ring();
        if (ring == null) {
            return new Invalid();
        }
        Cache<String, Remembered> cache = cache();
        Remembered remembered = cache.getIfPresent(token);
        if (remembered != null && remembered.stillTrusted(ring)) {
            // jose4j's rule: expired once the evaluation time, in whole seconds, reaches exp.
            if (clock.millis() / 1000 < remembered.valid().expiresAt()) {
                return remembered.valid();
            }
            cache.invalidate(token);
            return new Expired();
        }
        return verify(token, ring, cache);
    }

    /**
     * Whether the text has the shape of a JWS compact serialization (RFC 7515 section 7.1): three
     * non-empty base64url parts. Anything else (spaces, NUL, other Unicode) is refused before any
     * parsing, and the text remembered is exactly the text verified.
     */
    static boolean compactJws(String token) {
        int dots = 0;
        int partLength = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                if (partLength == 0 || ++dots > 2) {
                    return false;
                }
                partLength = 0;
            } else if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_') {
                partLength++;
            } else {
                return false;
            }
        }
        return dots == 2 && partLength > 0;
    }

    private Result verify(String token, KeyRing ring, Cache<String, Remembered> cache) {
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, KeyRing.ALGORITHM)
                .setExpectedType(true, "JWT")
                .setVerificationKeyResolver((jws, nested) -> key(ring, jws))
                .setExpectedIssuers(true, settings.issuersAccepted())
                .setExpectedAudience(settings.audience)
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setRequireSubject()
                .setRequireJwtId()
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .build();
        try {
            JwtContext context = consumer.process(token);
            String kid = context.getJoseObjects().get(0).getKeyIdHeaderValue();
            if (!canonicalSignature(token, ring.published().get(kid))) {
                return new Invalid();
            }
            Valid valid = valid(token, context.getJwtClaims());
            cache.put(token, new Remembered(ring, kid, ring.published().get(kid), valid));
            return valid;
        } catch (InvalidJwtException e) {
            return e.hasExpired() && onlyExpired(e) ? new Expired() : new Invalid();
        } catch (MalformedClaimException | IllegalArgumentException e) {
            return new Invalid();
        }
    }

    /**
     * Whether the signature part is the one text of its signature (RFC 7515 appendix C): exactly as
     * long as the key's modulus, without spare bits set. Decoders forgive both (a character too
     * many, the unused low bits of the last one), so without this check one token would have many
     * texts that verify.
     */
    static boolean canonicalSignature(String token, PublicKey key) {
        if (!(key instanceof java.security.interfaces.RSAPublicKey rsa)) {
            return false;
        }
        String part = token.substring(token.lastIndexOf('.') + 1);
        int bytes = (rsa.getModulus().bitLength() + 7) / 8;
        if (part.length() != (bytes * 4 + 2) / 3) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = java.util.Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return decoded.length == bytes
                && java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(decoded)
                        .equals(part);
    }

    private KeyRing ring() {
        KeyRing ring = KeyRing.Current.get();
        if (ring != null) {
            return ring;
        }
        try {
            return SigningKeyService.ensureLoaded(settings, keys);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Cache<String, Remembered> cache() {
        Cache<String, Remembered> cache = verified;
        if (cache == null) {
            synchronized (this) {
                if (verified == null) {
                    verified = Caffeine.newBuilder()
                            .maximumSize(REMEMBERED)
                            .expireAfterWrite(settings.accessTtl)
                            .build();
                }
                cache = verified;
            }
        }
        return cache;
    }

    private static boolean onlyExpired(InvalidJwtException e) {
        return e.getErrorDetails().stream().allMatch(d -> d.getErrorCode() == ErrorCodes.EXPIRED);
    }

    private static Valid valid(String token, JwtClaims claims) throws MalformedClaimException {
        String subject = claims.getSubject();
        long generation = TokenCutoffs.generationOf(claims.getClaimValue(TokenCutoffs.CLAIM));
        Set<String> groups = new HashSet<>();
        if (claims.getClaimValue("groups") instanceof List<?> list) {
            list.forEach(g -> groups.add(String.valueOf(g)));
        }
        CurrentCaller caller;
        if (subject.startsWith(AccessTokenIssuer.CLIENT_SUBJECT_PREFIX)) {
            // A service account: never signed in as a person, whatever its groups say.
            groups.remove(dev.vigile.common.Permissions.SIGNED_IN);
            groups.remove(dev.vigile.common.Permissions.MFA_ENROLLMENT);
            String clientId = subject.substring(AccessTokenIssuer.CLIENT_SUBJECT_PREFIX.length());
            Object id = claims.getClaimValue(AccessTokenIssuer.CLIENT_ID_CLAIM);
            if (clientId.isEmpty()
                    || !(id instanceof String internal)
                    || !clientId.equals(claims.getClaimValue("client_id"))) {
                throw new IllegalArgumentException("A client token without its ids");
            }
            caller = new CurrentCaller(UUID.fromString(internal), subject, null, generation, clientId);
        } else {
            UUID user = UUID.fromString(subject);
            // Every user token is a session's: a password change ends the other sessions' tokens
            // by their sid alone (CutOffs), so a token without one is not Vigile's.
            if (!(claims.getClaimValue(AccessTokenIssuer.SESSION_CLAIM) instanceof String sid)) {
                throw new IllegalArgumentException("A user token without its session");
            }
            String email = claims.getClaimValue("upn") instanceof String s ? s : null;
            caller = new CurrentCaller(user, email, UUID.fromString(sid), generation);
        }
        Set<String> frozen = Set.copyOf(groups);
        return new Valid(
                caller,
                claims.getExpirationTime().getValue(),
                frozen.contains(dev.vigile.common.Permissions.SIGNED_IN),
                frozen,
                new VerifiedToken(token, claims, caller, frozen));
    }

    private static Key key(KeyRing ring, JsonWebStructure jws) throws UnresolvableKeyException {
        String kid = jws.getKeyIdHeaderValue();
        PublicKey key = kid == null ? null : ring.published().get(kid);
        if (key == null) {
            throw new UnresolvableKeyException("Unknown kid");
        }
        return key;
    }
}
