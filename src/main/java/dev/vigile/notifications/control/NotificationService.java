package dev.vigile.notifications.control;

import dev.vigile.notifications.NotificationPosted;
import dev.vigile.notifications.Notification;
import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.platform.cluster.ClusterBus;
import dev.vigile.common.pagination.Page;
import dev.vigile.common.pagination.PageRequest;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The inbox. A notification is stored first, one row per recipient, in the transaction of the
 * change that raised it; only after that commits is it announced to every instance, which pushes
 * it to the recipients' open connections. The inbox stays the source of truth: a client that
 * missed a push reads it back with {@code resume} or the REST inbox.
 */
@ApplicationScoped
public class NotificationService {
  static final String COLUMNS =
      "n.id, n.user_id, m.kind, m.title, m.body, m.data::text, m.created_at, n.read_at";
  static final String FROM = " from notifications n join notification_messages m on m.id = n.message_id";

  @PersistenceContext EntityManager em;

  @Resource(lookup = "java:app/jdbc/vigile")
  DataSource dataSource;

  @Inject Clock clock;
  @Inject AuditLog audit;
  @Inject ClusterBus bus;
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

  void announce(@Observes(during = TransactionPhase.AFTER_SUCCESS) Stored event) {
    bus.publish(new NotificationPosted(event.messageId()));
  }

  /** The user's inbox, newest first (sort {@code id} or {@code createdAt}). */
  public Page<Notification> page(UUID userId, boolean unreadOnly, PageRequest page) {
    String where = " where n.user_id = ?" + (unreadOnly ? " and n.read_at is null" : "");
    try (Connection c = dataSource.getConnection()) {
      long total;
      try (PreparedStatement ps = c.prepareStatement("select count(*) from notifications n" + where)) {
        ps.setObject(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      List<Notification> items =
          query(
              c,
              "select " + COLUMNS + FROM + where + page.orderBy("n", "id") + " limit " + page.size()
                  + " offset " + page.offset(),
              userId);
      return Page.of(items, page, total);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the inbox", e);
    }
  }

  public long unreadCount(UUID userId) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("select count(*) from notifications where user_id = ? and read_at is null")) {
      ps.setObject(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the inbox", e);
    }
  }

  /** The user's notifications after {@code afterId}, oldest first, at most {@code limit}. */
  public List<Notification> after(UUID userId, long afterId, int limit) {
    try (Connection c = dataSource.getConnection()) {
      return query(
          c,
          "select " + COLUMNS + FROM + " where n.user_id = ? and n.id > ? order by n.id limit " + limit,
          userId,
          afterId);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the inbox", e);
    }
  }

  /** The inbox rows of one sent notification for these users (those connected here). */
  public List<Notification> ofMessage(long messageId, Collection<UUID> users) {
    if (users.isEmpty()) {
      return List.of();
    }
    try (Connection c = dataSource.getConnection()) {
      Array ids = c.createArrayOf("uuid", users.toArray());
      return query(
          c, "select " + COLUMNS + FROM + " where n.message_id = ? and n.user_id = any(?)", messageId, ids);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not read the inbox", e);
    }
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

  private static List<Notification> query(Connection c, String sql, Object... params) throws SQLException {
    List<Notification> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          OffsetDateTime created = rs.getObject(7, OffsetDateTime.class);
          OffsetDateTime read = rs.getObject(8, OffsetDateTime.class);
          out.add(
              new Notification(
                  rs.getLong(1),
                  rs.getObject(2, UUID.class),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  created.toInstant(),
                  read == null ? null : read.toInstant()));
        }
      }
    }
    return out;
  }
}
