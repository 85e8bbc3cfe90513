package dev.vigile.identity.events;

import dev.vigile.platform.cluster.ClusterEvent;
import java.util.List;
import java.util.UUID;

/** Between members: these sessions were revoked; their tokens are refused everywhere. */
@ClusterEvent.Type("sessions-revoked")
public record SessionsCutOff(List<UUID> ids) implements ClusterEvent {}
