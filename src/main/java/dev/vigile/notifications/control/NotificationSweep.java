package dev.vigile.notifications.control;

import dev.vigile.platform.lifecycle.SweepDue;
import dev.vigile.platform.persistence.Sweeps;
import dev.vigile.platform.persistence.UnitOfWork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The inbox kept bounded: a notification read more than {@code VIGILE_NOTIFICATION_RETENTION} ago
 * goes, and every notification, read or not, personal or shared, once its message is older than
 * {@code VIGILE_NOTIFICATION_MAX_AGE}; a personal message nobody's inbox holds any more goes with
 * its last row. The unread count never counts what went, and a resume replays what is left.
 */
@ApplicationScoped
public class NotificationSweep {
    /** A message without inbox rows is kept this long (its rows are written in the same transaction). */
    static final Duration ORPHAN_GRACE = Duration.ofHours(1);

    @PersistenceContext
    EntityManager em;

    @Inject
    UnitOfWork work;

    @Inject
    @ConfigProperty(name = "vigile.notification.retention", defaultValue = "P90D")
    Duration retention;

    @Inject
    @ConfigProperty(name = "vigile.notification.max-age", defaultValue = "P365D")
    Duration maxAge;

    void onSweep(@Observes SweepDue due) {
        Instant now = due.at();
        Sweeps.repeat(
                work,
                "read notifications",
                100,
                () -> em.createNativeQuery("delete from notifications where id in ("
                                + "select id from notifications where read_at < ?1 limit 1000 for update skip locked)")
                        .setParameter(1, now.minus(retention))
                        .executeUpdate());
        // Old messages go with their inbox rows, shared rows and reads (cascades): a hundred at a
        // time, since one message may fan out to many rows.
        Sweeps.repeat(
                work,
                "old notifications",
                1000,
                () -> 10
                        * em.createNativeQuery(
                                        "delete from notification_messages where id in (select id from notification_messages"
                                                + " where created_at < ?1 limit 100 for update skip locked)")
                                .setParameter(1, now.minus(maxAge))
                                .executeUpdate());
        Sweeps.repeat(
                work,
                "orphan messages",
                100,
                () -> em.createNativeQuery(
                                "delete from notification_messages where id in (select m.id from notification_messages m"
                                        + " where m.audience_type = 'user' and m.created_at < ?1 and not exists"
                                        + " (select 1 from notifications n where n.message_id = m.id)"
                                        + " limit 1000 for update skip locked)")
                        .setParameter(1, now.minus(ORPHAN_GRACE))
                        .executeUpdate());
        // A read-all mark covers shared notifications up to its id: once they are all gone, it
        // covers nothing (later ones have greater ids) and goes too.
        Sweeps.repeat(
                work,
                "read-all marks",
                100,
                () -> em.createNativeQuery("delete from notification_read_marks where id in (select k.id from"
                                + " notification_read_marks k where k.shared_through < coalesce((select min(s.id) from"
                                + " notification_shared s), 9223372036854775807) limit 1000 for update skip locked)")
                        .executeUpdate());
    }
}
