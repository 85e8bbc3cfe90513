package dev.vigile.common.problem;

/** {@code WWW-Authenticate} values of RFC 6750. */
public final class BearerChallenge {
    public static final String MISSING = "Bearer realm=\"vigile\"";
    public static final String INVALID_TOKEN = "Bearer realm=\"vigile\", error=\"invalid_token\"";

    private BearerChallenge() {}

    /** The scheme and the space after it that start a header of the Bearer scheme, in any case. */
    public static final String SCHEME = "Bearer ";

    /** Whether an {@code Authorization} header is of the Bearer scheme (RFC 9110 section 11.1: any case). */
    public static boolean isBearer(String authorizationHeader) {
        return authorizationHeader != null && authorizationHeader.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** The challenge for a 401: {@code invalid_token} when the request carried a bearer token. */
    public static String forRequest(String authorizationHeader) {
        return isBearer(authorizationHeader) ? INVALID_TOKEN : MISSING;
    }
}
