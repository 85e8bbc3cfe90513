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
 * Writes the inbox. A notification is stored first, one row per recipient, in the transaction of
 * the change that raised it; only after that commits is it announced to every instance ({@link
 * NotificationRelay}), which pushes it to the recipients' open connections. The inbox stays the
 * source of truth: a client that missed a push reads it back ({@link InboxQueries}) with {@code
 * resume} or the REST inbox.
 */
@ApplicationScoped
public class NotificationService {
  @PersistenceContext EntityManager em;

  @Inject Clock clock;
  @Inject AuditLog audit;
  @Inject Event<Stored> stored;
  @Inject dev.vigile.platform.observability.VigileMetrics metrics;

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
  public Sent send(Audience audience, String kind, String title, String body, String data, UUID senderId, String senderEmail) {
    Number id =
        (Number)
            em.createNativeQuery(
                    "insert into notification_messages (kind, title, body, data, audience_type,"
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
    jakarta.persistence.Query insert;
    if (audience.type().equals("user")) {
      insert =
          em.createNativeQuery(
                  "insert into notifications (message_id, user_id) select ?1, id from users where id = ?2")
              .setParameter(2, UUID.fromString(audience.value()));
    } else if (audience.type().equals("role")) {
      insert =
          em.createNativeQuery(
                  "insert into notifications (message_id, user_id) select ?1, u.id from users u"
                      + " join user_roles ur on ur.user_id = u.id where ur.role_name = ?2 and u.enabled"
                      + " order by u.id")
              .setParameter(2, audience.value());
    } else {
      insert =
          em.createNativeQuery(
              "insert into notifications (message_id, user_id) select ?1, id from users"
                  + " where enabled order by id");
    }
    int recipients = insert.setParameter(1, messageId).executeUpdate();
    em.createNativeQuery("update notification_messages set recipients = ?1 where id = ?2")
        .setParameter(1, recipients)
        .setParameter(2, messageId)
        .executeUpdate();
    audit.record(
        AuditEntry.success(AuditActions.NOTIFICATION_SENT)
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

  /**
   * Marks one of the user's notifications read (again is fine).
   *
   * @return false when the user has no such notification
   */
  @Transactional
  public boolean markRead(UUID userId, long id) {
    int updated =
        em.createNativeQuery(
                "update notifications set read_at = coalesce(read_at, ?1) where id = ?2 and user_id = ?3")
            .setParameter(1, clock.instant())
            .setParameter(2, id)
            .setParameter(3, userId)
            .executeUpdate();
    return updated == 1;
  }

  /** Marks every unread notification of the user read; returns how many. */
  @Transactional
  public int markAllRead(UUID userId) {
    return em.createNativeQuery(
            "update notifications set read_at = ?1 where user_id = ?2 and read_at is null")
        .setParameter(1, clock.instant())
        .setParameter(2, userId)
        .executeUpdate();
  }
}
