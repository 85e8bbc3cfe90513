package dev.vigile.notifications.control;

import dev.vigile.common.pagination.Page;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.notifications.Notification;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads the inbox, with plain JDBC: pages for the REST inbox, and what a WebSocket resumes or is
 * pushed. A user's inbox is their own rows ({@code notifications}) and the notifications shared
 * with a role they hold or with everyone, sent since their account exists ({@code
 * notification_shared}, read state in {@code notification_shared_reads}), in one id order.
 */
@ApplicationScoped
public class InboxQueries {
    /**
     * The reader {@code me}: its id, since when it exists and the roles it holds; {@code user} is
     * the parameter marker of its id ({@code ?} in JDBC, {@code ?1} in JPA).
     */
    static String me(String user) {
        // identity_inbox_readers is identity's view for this feature (V15): id, created_at, roles.
        return "with me as (select r.id, r.created_at, r.roles from identity_inbox_readers r where r.id = " + user
                + ") ";
    }

    private static final String ME = me("?");
    /** Whether shared notification {@code s} reaches {@code me}. */
    static final String VISIBLE =
            "s.created_at >= me.created_at and (s.role_name is null or s.role_name = any(me.roles))";
    /** Every notification of {@code me}, both kinds, as rows {@code f}. */
    static final String FEED =
            " from (select n.id, me.id as user_id, m.kind, m.title, m.body, m.data, m.created_at, n.read_at"
                    + " from me join notifications n on n.user_id = me.id"
                    + " join notification_messages m on m.id = n.message_id"
                    + " union all"
                    + " select s.id, me.id, m.kind, m.title, m.body, m.data, m.created_at, r.read_at"
                    + " from me join notification_shared s on " + VISIBLE
                    + " join notification_messages m on m.id = s.message_id"
                    + " left join notification_shared_reads r on r.shared_id = s.id and r.user_id = me.id) f";

    static final String COLUMNS = "f.id, f.user_id, f.kind, f.title, f.body, f.data::text, f.created_at, f.read_at";

    @Resource(lookup = "java:app/jdbc/vigile")
    DataSource dataSource;

    /** The user's inbox, newest first (sort {@code id} or {@code createdAt}), or older than {@code before}. */
    public Page<Notification> page(UUID userId, boolean unreadOnly, PageRequest page) {
        String where = " where true" + (unreadOnly ? " and f.read_at is null" : "");
        try (Connection c = dataSource.getConnection()) {
            long total = count(c, userId, where);
            String sql = ME + "select " + COLUMNS + FEED + where + (page.before() == null ? "" : " and f.id < ?")
                    + page.orderBy("f", "id") + " limit " + page.limit() + " offset " + page.offset();
            List<Notification> items =
                    page.before() == null ? query(c, sql, userId) : query(c, sql, userId, page.before());
            return Page.of(items, page, total);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the inbox", e);
        }
    }

    public long unreadCount(UUID userId) {
        try (Connection c = dataSource.getConnection()) {
            return count(c, userId, " where f.read_at is null");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the inbox", e);
        }
    }

    private static long count(Connection c, UUID userId, String where) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ME + "select count(*)" + FEED + where)) {
            ps.setObject(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The user's notifications after {@code afterId}, oldest first, at most {@code limit}. */
    public List<Notification> after(UUID userId, long afterId, int limit) {
        try (Connection c = dataSource.getConnection()) {
            return query(
                    c,
                    ME + "select " + COLUMNS + FEED + " where f.id > ? order by f.id limit " + limit,
                    userId,
                    afterId);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the inbox", e);
        }
    }

    /**
     * One sent notification, to push: its own rows, or the shared row with its role (null for
     * everyone); empty when it is gone. Two indexed lookups, whatever the number of connections.
     */
    public java.util.Optional<dev.vigile.notifications.Inbox.Posted> posted(long messageId) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "select s.id, null::uuid, m.kind, m.title, m.body, m.data::text, m.created_at, null::timestamptz,"
                            + " s.role_name from notification_shared s join notification_messages m on m.id = s.message_id"
                            + " where s.message_id = ?")) {
                ps.setLong(1, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return java.util.Optional.of(
                                new dev.vigile.notifications.Inbox.Posted(List.of(), row(rs), rs.getString(9)));
                    }
                }
            }
            List<Notification> own = query(
                    c,
                    "select n.id, n.user_id, m.kind, m.title, m.body, m.data::text, m.created_at, n.read_at"
                            + " from notifications n join notification_messages m on m.id = n.message_id"
                            + " where n.message_id = ?",
                    messageId);
            return own.isEmpty()
                    ? java.util.Optional.empty()
                    : java.util.Optional.of(new dev.vigile.notifications.Inbox.Posted(own, null, null));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the inbox", e);
        }
    }

    private static List<Notification> query(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return read(rs);
            }
        }
    }

    private static List<Notification> read(ResultSet rs) throws SQLException {
        List<Notification> out = new ArrayList<>();
        while (rs.next()) {
            out.add(row(rs));
        }
        return out;
    }

    private static Notification row(ResultSet rs) throws SQLException {
        OffsetDateTime created = rs.getObject(7, OffsetDateTime.class);
        OffsetDateTime read = rs.getObject(8, OffsetDateTime.class);
        return new Notification(
                rs.getLong(1),
                rs.getObject(2, UUID.class),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                created.toInstant(),
                read == null ? null : read.toInstant());
    }
}
