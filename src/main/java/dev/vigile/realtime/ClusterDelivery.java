package dev.vigile.realtime;

import dev.vigile.identity.Directory;
import dev.vigile.identity.events.SessionsCutOff;
import dev.vigile.identity.events.TokensCutOff;
import dev.vigile.notifications.Inbox;
import dev.vigile.notifications.Notification;
import dev.vigile.notifications.NotificationPosted;
import dev.vigile.platform.cluster.ClusterMessage;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What other members (and this one) announce through the grid, acted on for the connections
 * here: a stored notification is pushed to its recipients connected here; a cut-off closes the
 * connections it concerns (after the revocation caches have been told, hence the priority).
 */
@ApplicationScoped
public class ClusterDelivery {
  @Inject Connections connections;
  @Inject Inbox inbox;
  @Inject Directory identity;

  /** Events from any instance: stored notifications to push, cut-offs to enforce. */
  void onCluster(@Observes @Priority(200) ClusterMessage message) {
    message.as(NotificationPosted.class).ifPresent(e -> push(e.message()));
    message.as(TokensCutOff.class).ifPresent(e -> recheck(e.ids(), true));
    message.as(SessionsCutOff.class).ifPresent(e -> recheck(e.ids(), false));
  }

  private void push(long messageId) {
    Set<UUID> here = connections.usersHere();
    if (here.isEmpty()) {
      return;
    }
    // A notification shared with a role or everyone has one id and one content for all: its
    // frame is written once and the same text goes to every connection.
    java.util.Map<Long, String> frames = new java.util.HashMap<>();
    for (Notification n : inbox.ofMessage(messageId, here)) {
      String frame = frames.computeIfAbsent(n.id(), id -> Protocol.notification(n));
      for (Connection c : connections.of(n.userId())) {
        c.send(frame);
      }
    }
  }

  /**
   * After a cut-off of these users or sessions (the revocation caches are already refreshed),
   * close the connections it concerns that it now refuses.
   */
  private void recheck(List<UUID> cutOff, boolean users) {
    Set<UUID> ids = new HashSet<>(cutOff);
    List<Connection> concerned = new ArrayList<>();
    connections.forEach((user, c) -> {
      UUID session = c.caller().sessionId();
      if (users ? ids.contains(user) : session != null && ids.contains(session)) {
        concerned.add(c);
      }
    });
    for (Connection c : concerned) {
      if (identity.cutOff(c.caller())) {
        c.close(Protocol.REAUTHENTICATE, "re-authenticate");
      }
    }
  }
}
