package dev.vigile.identity.events;

import java.util.UUID;

/** The user's email changed to {@code newEmail} (a verified change); tokens naming the old one are cut off. */
public record EmailChanged(UUID userId, String newEmail) {}
