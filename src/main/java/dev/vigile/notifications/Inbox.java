package dev.vigile.notifications;

import dev.vigile.notifications.control.InboxQueries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** The notifications feature's façade for delivery (the WebSocket endpoint): reading inboxes. */
@ApplicationScoped
public class Inbox {
  @Inject InboxQueries notifications;

  /** The user's notifications after {@code afterId}, oldest first, at most {@code limit}. */
  public List<Notification> after(UUID userId, long afterId, int limit) {
    return notifications.after(userId, afterId, limit);
  }

  /** The inbox rows of one sent notification for these users (those connected here). */
  public List<Notification> ofMessage(long messageId, Collection<UUID> users) {
    return notifications.ofMessage(messageId, users);
  }
}
