package dev.vigile.security;

import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The caller as the access token names them, with the token generation it was minted at ({@link
 * TokenCutoffs}): a signed-in user, or a service account ({@code clientId} set; then {@code
 * userId} is the client's id, {@code email} its subject {@code client:<clientId>} and there is no
 * session).
 */
public record CurrentCaller(UUID userId, String email, UUID sessionId, long generation, String clientId) {

    /** A signed-in user. */
    public CurrentCaller(UUID userId, String email, UUID sessionId, long generation) {
        this(userId, email, sessionId, generation, null);
    }

    /** Whether the caller is a service account rather than a person. */
    public boolean isClient() {
        return clientId != null;
    }

    /** Reads the caller from a verified token; {@code null} if its subject is not a Vigile user or client. */
    public static CurrentCaller of(JsonWebToken jwt) {
        if (jwt instanceof VerifiedToken verified) {
            return verified.caller();
        }
        // Not dead code: resources get the request-scoped JsonWebToken through Weld's client proxy,
        // which is not a VerifiedToken, so their callers are read from the claims here.
        try {
            String subject = jwt.getSubject();
            long generation = TokenCutoffs.generationOf(jwt.getClaim(TokenCutoffs.CLAIM));
            if (subject != null && subject.startsWith(AccessTokenIssuer.CLIENT_SUBJECT_PREFIX)) {
                Object id = jwt.getClaim(AccessTokenIssuer.CLIENT_ID_CLAIM);
                return new CurrentCaller(
                        UUID.fromString(unquoted(id)),
                        subject,
                        null,
                        generation,
                        subject.substring(AccessTokenIssuer.CLIENT_SUBJECT_PREFIX.length()));
            }
            UUID user = UUID.fromString(subject);
            Object sid = jwt.getClaim(AccessTokenIssuer.SESSION_CLAIM);
            UUID session = sid == null ? null : UUID.fromString(unquoted(sid));
            return new CurrentCaller(user, jwt.getName(), session, generation);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    private static String unquoted(Object claim) {
        return claim.toString().replace("\"", "");
    }
}
