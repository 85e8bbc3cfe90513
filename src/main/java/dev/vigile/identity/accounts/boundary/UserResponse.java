package dev.vigile.identity.accounts.boundary;

import dev.vigile.identity.accounts.control.UserQueries;
import dev.vigile.identity.accounts.entity.User;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A user as clients see it: never a password hash or token. */
public record UserResponse(
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
        Instant lastLoginAt) {

    public static UserResponse from(User u) {
        return UserQueries.of(u, UserResponse::new);
    }
}
