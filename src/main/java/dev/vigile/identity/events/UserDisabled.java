package dev.vigile.identity.events;

import java.util.UUID;

/** An admin disabled the account: it may no longer sign in, nor keep a session. */
public record UserDisabled(UUID userId) {}
