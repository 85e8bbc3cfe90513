package dev.vigile.notifications.control;

import dev.vigile.notifications.NotificationPosted;
import dev.vigile.platform.cluster.ClusterBus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

/** Once a stored notification has committed, tells every instance, which pushes it to its clients. */
@ApplicationScoped
public class NotificationRelay {
    @Inject
    ClusterBus bus;

    void announce(@Observes(during = TransactionPhase.AFTER_SUCCESS) NotificationService.Stored event) {
        bus.publish(new NotificationPosted(event.messageId()));
    }
}
