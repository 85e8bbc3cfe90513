package dev.vigile.notifications;

import dev.vigile.platform.cluster.ClusterEvent;

/** Between members: a notification was stored; each member pushes it to the users connected there. */
@ClusterEvent.Type("notify")
public record NotificationPosted(long message) implements ClusterEvent {}
