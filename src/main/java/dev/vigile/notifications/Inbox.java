package dev.vigile.notifications;

import dev.vigile.notifications.control.InboxQueries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The notifications feature's façade for delivery (the WebSocket endpoint): reading inboxes. */
@ApplicationScoped
public class Inbox {
    @Inject
    InboxQueries notifications;

    /**
     * One sent notification, as it is pushed: either its recipients' own rows ({@code own}, each
     * with its user), or one notification shared with everyone ({@code role} null) or with the
     * holders of {@code role}.
     */
    public record Posted(List<Notification> own, Notification shared, String role) {}

    /** The user's notifications after {@code afterId}, oldest first, at most {@code limit}. */
    public List<Notification> after(UUID userId, long afterId, int limit) {
        return notifications.after(userId, afterId, limit);
    }

    /** What one sent notification is, to push it to the connections it reaches; empty if gone. */
    public Optional<Posted> posted(long messageId) {
        return notifications.posted(messageId);
    }
}
