package dev.vigile.identity.events;

import java.util.UUID;

/**
 * A change of the user's second factor: {@code enabled}, {@code disabled}, {@code
 * recovery_codes}, or {@code reset} (turned off by an administrator).
 */
public record MfaChanged(UUID userId, String change) {}
