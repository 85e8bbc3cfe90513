package dev.vigile.identity.events;

import java.util.UUID;

/**
 * A passkey of the user was {@code added} or {@code removed} (by the user, or by an administrator:
 * {@code byAdmin}), in the changing transaction. {@code sessionId}: the session the change was made
 * from, kept when the sessions a removed passkey started end; null for an administrator's.
 */
public record PasskeyChanged(
        UUID userId, String change, UUID passkeyId, String name, boolean byAdmin, UUID sessionId) {}
