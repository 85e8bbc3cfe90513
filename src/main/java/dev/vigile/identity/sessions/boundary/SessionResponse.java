package dev.vigile.identity.sessions.boundary;

import dev.vigile.identity.sessions.entity.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** One of the caller's sessions; {@code expiresAt} is when it ends if not used again. */
public record SessionResponse(
        UUID id,
        Instant createdAt,
        Instant lastUsedAt,
        Instant expiresAt,
        String ip,
        String userAgent,
        boolean current) {

    public static SessionResponse from(Session s, Duration idleTtl, UUID currentSession) {
        return new SessionResponse(
                s.id(),
                s.createdAt(),
                s.lastUsedAt(),
                s.endsAt(idleTtl),
                s.ip(),
                s.userAgent(),
                s.id().equals(currentSession));
    }
}
