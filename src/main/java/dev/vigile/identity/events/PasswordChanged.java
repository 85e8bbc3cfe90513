package dev.vigile.identity.events;

import java.util.UUID;

/** The user changed their password; every session but {@code keptSessionId} must end. */
public record PasswordChanged(UUID userId, UUID keptSessionId) {}
