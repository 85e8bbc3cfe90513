package dev.vigile.identity.events;

import java.util.UUID;

/** The user signed out every one of their sessions (logout-all); the sessions are already revoked. */
public record SignedOutEverywhere(UUID userId) {}
