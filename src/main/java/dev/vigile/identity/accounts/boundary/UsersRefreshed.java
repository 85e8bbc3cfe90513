package dev.vigile.identity.accounts.boundary;

import dev.vigile.platform.cluster.ClusterEvent;
import java.util.List;
import java.util.UUID;

/** Between members: what is cached of these users (or of all, when a role changed) is stale. */
@ClusterEvent.Type("users-changed")
public record UsersRefreshed(List<UUID> ids, boolean all) implements ClusterEvent {}
