package dev.vigile.security.control;

import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The signed-in caller as the access token names them. */
public record CurrentCaller(UUID userId, String email, UUID sessionId, long issuedAtMicros) {

  /**
   * The token's precise issue time; a token without it counts as issued at the start of its
   * {@code iat} second, the earliest it can have been.
   */
  private static long issuedAtMicros(JsonWebToken jwt) {
    Object claim = jwt.getClaim(TokenCutoffs.CLAIM);
    if (claim instanceof jakarta.json.JsonNumber n) {
      return n.longValueExact();
    }
    if (claim instanceof Number n) {
      return n.longValue();
    }
    return jwt.getIssuedAtTime() * 1_000_000L;
  }

  /** Reads the caller from a verified token; {@code null} if its subject is not a Vigile user id. */
  public static CurrentCaller of(JsonWebToken jwt) {
    try {
      UUID user = UUID.fromString(jwt.getSubject());
      Object sid = jwt.getClaim(AccessTokenIssuer.SESSION_CLAIM);
      UUID session = sid == null ? null : UUID.fromString(sid.toString().replace("\"", ""));
      return new CurrentCaller(user, jwt.getName(), session, issuedAtMicros(jwt));
    } catch (IllegalArgumentException | NullPointerException | ArithmeticException e) {
      return null;
    }
  }
}
