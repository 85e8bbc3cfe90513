package dev.vigile.identity.accounts.control;

import dev.vigile.identity.accounts.entity.User;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A user as a sign-in or a refresh hands it out: what the access token carries (roles and
 * permissions, sorted, as groups; the token generation) and what the response shows. A sign-in
 * takes it from the entity it already holds; a refresh reads it in one statement ({@link
 * UserQueries#snapshot}) and loads no entity.
 */
public record UserSnapshot(
        UUID id,
        String email,
        String displayName,
        List<String> roles,
        List<String> permissions,
        boolean enabled,
        boolean emailVerified,
        boolean mfaEnabled,
        int passkeyCount,
        String locale,
        Instant createdAt,
        Instant updatedAt,
        Instant lastLoginAt,
        long tokenGeneration) {

    public static UserSnapshot of(User u) {
        return UserQueries.of(u, withGeneration(u.tokenGeneration()));
    }

    /** The view that makes a snapshot, the token generation read beside it. */
    static UserQueries.View<UserSnapshot> withGeneration(long tokenGeneration) {
        return (id,
                email,
                displayName,
                roles,
                permissions,
                enabled,
                verified,
                mfa,
                passkeys,
                locale,
                created,
                updated,
                lastLogin) -> new UserSnapshot(
                id,
                email,
                displayName,
                roles,
                permissions,
                enabled,
                verified,
                mfa,
                passkeys,
                locale,
                created,
                updated,
                lastLogin,
                tokenGeneration);
    }

    /** As the user list shows a user ({@code UserResponse::new} at the boundary). */
    public <T> T as(UserQueries.View<T> view) {
        return view.of(
                id,
                email,
                displayName,
                roles,
                permissions,
                enabled,
                emailVerified,
                mfaEnabled,
                passkeyCount,
                locale,
                createdAt,
                updatedAt,
                lastLoginAt);
    }
}
