package dev.vigile.identity.events;

import java.util.UUID;

/** A rotated refresh token came back (RFC 9700 reuse detection); its session is already revoked. */
public record RefreshTokenReused(UUID userId, UUID sessionId) {}
