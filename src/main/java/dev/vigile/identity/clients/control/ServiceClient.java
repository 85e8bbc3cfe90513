package dev.vigile.identity.clients.control;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A service account as administrators see it: never a secret, only when each was made and used.
 *
 * @param permissions what its roles grant, read with them
 */
public record ServiceClient(
        UUID id,
        String clientId,
        String name,
        List<String> roles,
        List<String> permissions,
        boolean enabled,
        Instant createdAt,
        Instant expiresAt,
        Instant lastUsedAt,
        List<Secret> secrets) {

    /** One of its (at most two) secrets. */
    public record Secret(UUID id, Instant createdAt, Instant expiresAt, Instant lastUsedAt) {}
}
