package dev.vigile.identity.events;

import java.util.UUID;

/**
 * A change of the user's second factor: {@code enabled}, {@code disabled}, {@code
 * recovery_codes}, or {@code reset} (turned off by an administrator or a reset that proved the
 * address). {@code sessionId}: the session the change was made from, when one proved the factor
 * by it (an enrollment confirmed), else null.
 */
public record MfaChanged(UUID userId, String change, UUID sessionId) {
    public MfaChanged(UUID userId, String change) {
        this(userId, change, null);
    }
}
