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
        return from(UserQueries.Listed.of(u));
    }

    /** A user as the list's statement reads it, or as {@link UserQueries.Listed#of} takes it from the entity. */
    public static UserResponse from(UserQueries.Listed u) {
        return new UserResponse(
                u.id(),
                u.email(),
                u.displayName(),
                u.roles(),
                u.permissions(),
                u.enabled(),
                u.emailVerified(),
                u.mfaEnabled(),
                u.passkeyCount(),
                u.locale(),
                u.createdAt(),
                u.updatedAt(),
                u.lastLoginAt());
    }
}
