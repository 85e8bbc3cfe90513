package dev.vigile.identity.events;

import java.util.Set;
import java.util.UUID;

/** The user's roles changed: the tokens minted from the old ones must stop working. */
public record RolesChanged(UUID userId, Set<String> roles, Set<String> added, Set<String> removed) {}
