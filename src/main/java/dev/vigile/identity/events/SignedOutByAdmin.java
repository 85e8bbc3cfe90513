package dev.vigile.identity.events;

import java.util.UUID;

/** An admin signed the user out everywhere. */
public record SignedOutByAdmin(UUID userId) {}
