package dev.vigile.identity.events;

import dev.vigile.platform.cluster.ClusterEvent;
import java.util.List;
import java.util.UUID;

/**
 * Between members: these users' tokens were cut off (disabled, deleted, roles or generation
 * changed). Every member forgets what it cached of them and re-checks their WebSockets.
 */
@ClusterEvent.Type("users-cut-off")
public record TokensCutOff(List<UUID> ids) implements ClusterEvent {}
