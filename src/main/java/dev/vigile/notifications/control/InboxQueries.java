package dev.vigile.notifications.control;

import dev.vigile.common.pagination.Page;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.notifications.Notification;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads the inbox, with plain JDBC: pages for the REST inbox, and what a WebSocket resumes or is pushed. */
@ApplicationScoped
public class InboxQueries {
  static final String COLUMNS =
      "n.id, n.user_id, m.kind, m.title, m.body, m.data::text, m.created_at, n.read_at";
  static final String FROM = " from notifications n join notification_messages m on m.id = n.message_id";

  @Resource(lookup = "java:app/jdbc/vigile")
  DataSource dataSource;

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
