package dev.vigile.identity.events;

import java.util.List;
import java.util.UUID;

/** In the changing transaction: a role's permissions changed, and these holders' tokens were cut off. */
public record RoleHoldersCutOff(String role, List<UUID> userIds) {}
