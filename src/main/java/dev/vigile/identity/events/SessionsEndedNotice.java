package dev.vigile.identity.events;

import dev.vigile.platform.cluster.ClusterEvent;
import java.util.List;
import java.util.UUID;

/**
 * Between members, after {@code SessionsEnded} committed on one: these sessions were revoked, and
 * their tokens are refused everywhere. The wire name stays {@code sessions-revoked}, so members of
 * the version before and after the rename understand each other during a rolling upgrade.
 */
@ClusterEvent.Type("sessions-revoked")
public record SessionsEndedNotice(List<UUID> ids) implements ClusterEvent {}
