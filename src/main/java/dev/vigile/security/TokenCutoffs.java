package dev.vigile.security;

/**
 * The arithmetic of per-user cut-offs. Every access token carries the user's token generation
 * ({@value #CLAIM}) read in the same statement as the roles and permissions it lists. Each
 * cut-off (roles or a role's permissions changed, password reset, logout-all, disabled) adds one
 * to the generation in the changing transaction (a password change does not: it ends the other
 * sessions, whose tokens are refused by their {@code sid}, and keeps the caller's), so a token is refused when its generation is
 * older than the user's: no clock is compared, and a token minted from the state just before a
 * change carries the old generation.
 */
public final class TokenCutoffs {
    /** The private claim holding the user's token generation when the token was minted. */
    public static final String CLAIM = "vigile_gen";

    private TokenCutoffs() {}

    /** A token of generation {@code tokenGeneration} is refused once the user's has moved past it. */
    public static boolean refused(long tokenGeneration, long userGeneration) {
        return tokenGeneration < userGeneration;
    }

    /** The generation a claim carries; a token without one (or a malformed one) is refused. */
    public static long generationOf(Object claim) {
        if (claim instanceof jakarta.json.JsonNumber n) {
            if (!n.isIntegral()) {
                return -1;
            }
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        if (claim instanceof Long || claim instanceof Integer) {
            return ((Number) claim).longValue();
        }
        return -1;
    }
}
