package dev.vigile.identity.events;

import java.util.UUID;

/** The user signed out one of their own sessions; it is already revoked. */
public record SessionSignedOut(UUID userId, UUID sessionId) {}
