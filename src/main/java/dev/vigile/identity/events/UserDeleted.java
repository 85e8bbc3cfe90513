package dev.vigile.identity.events;

import java.util.UUID;

/** The account is gone, with everything that hung on it. */
public record UserDeleted(UUID userId) {}
