package dev.vigile.security;

import dev.vigile.security.control.KeyRing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Verifies an access token where MicroProfile JWT does not look (the WebSocket handshake and its
 * {@code refresh} message), by the same rules: RS256 only, header {@code typ: JWT}, a key of
 * Vigile's ring by {@code kid}, Vigile's issuer, and {@code exp}, {@code iat}, {@code sub}, {@code
 * jti} required. It says apart an expired token (WebSocket close code 4002) from an invalid one.
 */
@ApplicationScoped
public class AccessTokenVerifier {
  @Inject Clock clock;

  @Inject
  @ConfigProperty(name = "vigile.jwt.issuer", defaultValue = "vigile")
  String issuer;

  @Inject
  @ConfigProperty(name = "vigile.jwt.audience", defaultValue = "vigile")
  String audience;

  /** The outcome of a verification. */
  public sealed interface Result {}

  /** A valid token's facts. */
  /**
   * @param signedIn whether the token carries the signed-in group: a token that may only enroll a
   *     second factor ({@code mfa:enroll}) does not
   */
  public record Valid(CurrentCaller caller, long expiresAt, boolean signedIn, java.util.Set<String> groups)
      implements Result {}

  /** Signature and claims fine, but past {@code exp}. */
  public record Expired() implements Result {}

  /** Anything else. */
  public record Invalid() implements Result {}

  public Result verify(String token) {
    if (token == null || token.isBlank() || token.length() > 8192) {
      return new Invalid();
    }
    JwtConsumer consumer =
        new JwtConsumerBuilder()
            .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, KeyRing.ALGORITHM)
            .setExpectedType(true, "JWT")
            .setVerificationKeyResolver(AccessTokenVerifier::key)
            .setExpectedIssuer(issuer)
            .setExpectedAudience(audience)
            .setRequireExpirationTime()
            .setRequireIssuedAt()
            .setRequireSubject()
            .setRequireJwtId()
            .setEvaluationTime(org.jose4j.jwt.NumericDate.fromMilliseconds(clock.millis()))
            .build();
    try {
      JwtClaims claims = consumer.processToClaims(token);
      return valid(claims);
    } catch (InvalidJwtException e) {
      return e.hasExpired() && onlyExpired(e) ? new Expired() : new Invalid();
    } catch (MalformedClaimException | IllegalArgumentException e) {
      return new Invalid();
    }
  }

  private static boolean onlyExpired(InvalidJwtException e) {
    return e.getErrorDetails().stream()
        .allMatch(d -> d.getErrorCode() == org.jose4j.jwt.consumer.ErrorCodes.EXPIRED);
  }

  private static Valid valid(JwtClaims claims) throws MalformedClaimException {
    UUID user = UUID.fromString(claims.getSubject());
    Object sid = claims.getClaimValue(AccessTokenIssuer.SESSION_CLAIM);
    long generation = TokenCutoffs.generationOf(claims.getClaimValue(TokenCutoffs.CLAIM));
    String email = claims.getClaimValue("upn") instanceof String s ? s : null;
    java.util.Set<String> groups = new java.util.HashSet<>();
    if (claims.getClaimValue("groups") instanceof java.util.List<?> list) {
      list.forEach(g -> groups.add(String.valueOf(g)));
    }
    return new Valid(
        new CurrentCaller(user, email, sid == null ? null : UUID.fromString(sid.toString()), generation),
        claims.getExpirationTime().getValue(),
        groups.contains(dev.vigile.common.Permissions.SIGNED_IN),
        java.util.Set.copyOf(groups));
  }

  private static Key key(JsonWebStructure jws, java.util.List<JsonWebStructure> nested)
      throws UnresolvableKeyException {
    KeyRing ring = KeyRing.Current.get();
    PublicKey key = ring == null ? null : ring.published().get(jws.getKeyIdHeaderValue());
    if (key == null) {
      throw new UnresolvableKeyException("Unknown kid");
    }
    return key;
  }
}
