package dev.vigile.identity.events;

import java.util.UUID;

/** In the changing transaction: a disabled user was enabled again (their old credentials stay void). */
public record UserEnabled(UUID userId) {}
