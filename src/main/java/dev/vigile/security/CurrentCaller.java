package dev.vigile.security;

import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The signed-in caller as the access token names them, with the token generation it was minted
 * at ({@link TokenCutoffs}).
 */
public record CurrentCaller(UUID userId, String email, UUID sessionId, long generation) {

    /** Reads the caller from a verified token; {@code null} if its subject is not a Vigile user id. */
    public static CurrentCaller of(JsonWebToken jwt) {
        if (jwt instanceof VerifiedToken verified) {
            return verified.caller();
        }
        // Not dead code: resources get the request-scoped JsonWebToken through Weld's client proxy,
        // which is not a VerifiedToken, so their callers are read from the claims here.
        try {
            UUID user = UUID.fromString(jwt.getSubject());
            Object sid = jwt.getClaim(AccessTokenIssuer.SESSION_CLAIM);
            UUID session = sid == null ? null : UUID.fromString(sid.toString().replace("\"", ""));
            return new CurrentCaller(
                    user, jwt.getName(), session, TokenCutoffs.generationOf(jwt.getClaim(TokenCutoffs.CLAIM)));
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }
}
