package dev.vigile.realtime;

import dev.vigile.identity.Directory;
import dev.vigile.identity.events.SessionsEndedNotice;
import dev.vigile.identity.events.UserTokensCutOffNotice;
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
    @Inject
    Connections connections;

    @Inject
    Inbox inbox;

    @Inject
    Directory identity;

    /** Events from any instance: stored notifications to push, cut-offs to enforce. */
    void onCluster(@Observes @Priority(200) ClusterMessage message) {
        message.as(NotificationPosted.class).ifPresent(e -> push(e.message()));
        message.as(UserTokensCutOffNotice.class).ifPresent(e -> recheck(e.ids(), true));
        message.as(SessionsEndedNotice.class).ifPresent(e -> recheck(e.ids(), false));
    }

    /**
     * Pushes a stored notification to the connections here it reaches. One shared with a role or
     * everyone has one id and content for all: its frame is written once and the same text goes to
     * every connection whose token holds the role (a change of roles closes the connection, 4011).
     */
    private void push(long messageId) {
        if (connections.none()) {
            return;
        }
        inbox.posted(messageId).ifPresent(posted -> {
            if (posted.shared() != null) {
                String frame = Protocol.notification(posted.shared());
                String role = posted.role();
                connections.forEach((user, c) -> {
                    if (role == null || c.holds(role)) {
                        c.send(frame);
                    }
                });
                return;
            }
            for (Notification n : posted.own()) {
                Set<Connection> theirs = connections.of(n.userId());
                if (!theirs.isEmpty()) {
                    String frame = Protocol.notification(n);
                    theirs.forEach(c -> c.send(frame));
                }
            }
        });
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
