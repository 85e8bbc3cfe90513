package dev.vigile.common.problem;

/** {@code WWW-Authenticate} values of RFC 6750. */
public final class BearerChallenge {
  public static final String MISSING = "Bearer realm=\"vigile\"";
  public static final String INVALID_TOKEN = "Bearer realm=\"vigile\", error=\"invalid_token\"";

  private BearerChallenge() {}

  /** The challenge for a 401: {@code invalid_token} when the request carried a bearer token. */
  public static String forRequest(String authorizationHeader) {
    return authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)
        ? INVALID_TOKEN
        : MISSING;
  }
}
