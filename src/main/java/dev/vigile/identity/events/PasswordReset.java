package dev.vigile.identity.events;

import java.util.UUID;

/** The user's password was reset with a mailed token; every session ended with it. */
public record PasswordReset(UUID userId) {}
