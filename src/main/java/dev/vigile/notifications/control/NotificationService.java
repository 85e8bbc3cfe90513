package dev.vigile.notifications.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.UUID;

/**
 * Writes the inbox. A notification is stored first, in the transaction of the change that raised
 * it: one inbox row for a user, one shared row for a role or everyone (read state per reader); only after that commits is it announced to every instance ({@link
 * NotificationRelay}), which pushes it to the recipients' open connections. The inbox stays the
 * source of truth: a client that missed a push reads it back ({@link InboxQueries}) with {@code
 * resume} or the REST inbox.
 */
@ApplicationScoped
public class NotificationService {
    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    dev.vigile.identity.Directory directory;

    @Inject
    AuditLog audit;

    @Inject
    Event<Stored> stored;

    @Inject
    dev.vigile.platform.observability.VigileMetrics metrics;

    /**
     * The transaction-level advisory lock a shared notification's sending holds from taking its id
     * until it commits. Sendings of shared notifications thus commit in the order of their ids, and
     * whatever the newest committed one is, every sending in flight has a greater id (the ids'
     * sequence hands them out in order: it must keep its cache of 1). Sendings are rare (admins'
     * broadcasts); nothing else takes it.
     */
    public static final long SHARED_IDS_LOCK = 0x5669_6769_6C65_5349L;

    /** Fired when a notification is stored; announced once its transaction commits. */
    public record Stored(long messageId) {}

    /** What a send produced. */
    public record Sent(long messageId, int recipients) {}

    /**
     * Stores a notification for its audience in the current transaction and audits it.
     *
     * @param data a JSON object text, or null
     * @param senderId who sent it, or null when Vigile raised it
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Sent send(
            Audience audience, String kind, String title, String body, String data, UUID senderId, String senderEmail) {
        Number id = (Number)
                em.createNativeQuery("insert into notification_messages (kind, title, body, data, audience_type,"
                                + " audience_value, sender_id, created_at) values (?1, ?2, ?3, cast(?4 as jsonb),"
                                + " ?5, ?6, cast(?7 as uuid), ?8) returning id")
                        .setParameter(1, kind)
                        .setParameter(2, title)
                        .setParameter(3, body == null ? "" : body)
                        .setParameter(4, data)
                        .setParameter(5, audience.type())
                        .setParameter(6, audience.value())
                        .setParameter(7, senderId == null ? null : senderId.toString())
                        .setParameter(8, clock.instant())
                        .getSingleResult();
        long messageId = id.longValue();
        int recipients;
        if (audience.type().equals("user")) {
            // The recipient is selected inside the insert (through identity's view), so that a
            // deletion racing it leaves no row rather than failing the statement.
            recipients = em.createNativeQuery(
                            "insert into notifications (message_id, user_id) select ?1, id from identity_inbox_readers where id = ?2")
                    .setParameter(1, messageId)
                    .setParameter(2, UUID.fromString(audience.value()))
                    .executeUpdate();
        } else {
            // Stored once, whatever the audience's size: each reader finds it in their inbox (InboxQueries).
            // Its id is taken here and visible at commit: one sending at a time, so that shared ids
            // land in their order and a read-all's mark never passes one still in flight.
            em.createNativeQuery("select 1 from (select pg_advisory_xact_lock(?1)) l")
                    .setParameter(1, SHARED_IDS_LOCK)
                    .getSingleResult();
            em.createNativeQuery("insert into notification_shared (id, message_id, role_name, created_at)"
                            + " values (nextval(pg_get_serial_sequence('notifications', 'id')), ?1, ?2, ?3)")
                    .setParameter(1, messageId)
                    .setParameter(2, audience.type().equals("role") ? audience.value() : null)
                    .setParameter(3, clock.instant())
                    .executeUpdate();
            recipients = audienceSize(audience);
        }
        em.createNativeQuery("update notification_messages set recipients = ?1 where id = ?2")
                .setParameter(1, recipients)
                .setParameter(2, messageId)
                .executeUpdate();
        audit.record(AuditEntry.success(AuditActions.NOTIFICATION_SENT)
                .actor(senderId, senderEmail)
                .target("notification", messageId)
                .detail("kind", kind)
                .detail("audience", audience.type())
                .detail("audienceValue", audience.value())
                .detail("recipients", recipients));
        stored.fire(new Stored(messageId));
        metrics.notificationsSent(recipients);
        return new Sent(messageId, recipients);
    }

    /** A notification Vigile raises for one user, in the current transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Sent notifyUser(UUID userId, String kind, String title, String body, jakarta.json.JsonObject data) {
        return send(Audience.user(userId), kind, title, body, data == null ? null : data.toString(), null, null);
    }

    /** The enabled accounts a role or everyone reaches now: a count, nothing written per user. */
    private int audienceSize(Audience audience) {
        return (int) directory.enabledUsers(audience.type().equals("role") ? audience.value() : null);
    }

    /**
     * Marks one of the user's notifications read (again is fine): their own row, or their read of a
     * shared notification that reaches them.
     *
     * @return false when the user has no such notification
     */
    @Transactional
    public boolean markRead(UUID userId, long id) {
        java.time.Instant now = clock.instant();
        int updated = em.createNativeQuery(
                        "update notifications set read_at = coalesce(read_at, ?1) where id = ?2 and user_id = ?3")
                .setParameter(1, now)
                .setParameter(2, id)
                .setParameter(3, userId)
                .executeUpdate();
        if (updated == 1) {
            return true;
        }
        // One statement: the shared notification if it reaches the user, and their read of it.
        Number reaches =
                (Number) em.createNativeQuery(ME + ", shared as (select s.id from me join notification_shared s on "
                                + InboxQueries.VISIBLE + " where s.id = ?2),"
                                + " marked as (insert into notification_shared_reads (user_id, shared_id, read_at)"
                                + " select ?1, id, ?3 from shared on conflict do nothing)"
                                + " select count(*) from shared")
                        .setParameter(1, userId)
                        .setParameter(2, id)
                        .setParameter(3, now)
                        .getSingleResult();
        return reaches.intValue() == 1;
    }

    /**
     * Marks every unread notification of the user read, of both kinds: their own rows, and a mark
     * covering the shared ones sent so far to everyone or to a role they hold (one row, whatever the
     * number of broadcasts; none when an earlier mark already covers them all).
     */
    @Transactional
    public void markAllRead(UUID userId) {
        java.time.Instant now = clock.instant();
        // The newest shared id committed: one in flight has a greater one (SHARED_IDS_LOCK), so the
        // mark never covers a notification that lands after it.
        em.createNativeQuery("update notifications set read_at = ?1 where user_id = ?2 and read_at is null")
                .setParameter(1, now)
                .setParameter(2, userId)
                .executeUpdate();
        em.createNativeQuery(ME + "insert into notification_read_marks (user_id, shared_through, roles, marked_at)"
                        + " select me.id, t.top, me.roles, ?2 from me, (select max(id) as top from notification_shared) t"
                        + " where t.top is not null and not exists (select 1 from notification_read_marks k"
                        + " where k.user_id = me.id and k.shared_through >= t.top and k.roles @> me.roles)")
                .setParameter(1, userId)
                .setParameter(2, now)
                .executeUpdate();
    }

    /** {@link InboxQueries#me} with a JPA positional parameter. */
    private static final String ME = InboxQueries.me("?1");
}
