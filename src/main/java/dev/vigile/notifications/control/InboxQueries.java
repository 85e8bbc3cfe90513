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
 * notification_shared}), in one id order. A shared one is read when the reader read it ({@code
 * notification_shared_reads}) or read all since it was sent ({@code notification_read_marks}).
 *
 * <p>Which shared notifications reach a reader and which are unread is worked out from this
 * member's copy of the shared table ({@link SharedFeed}); the database reads the reader's own rows,
 * a page's worth at most, and the messages of the page. A page or a count therefore costs the same
 * whether two or two thousand broadcasts are kept.
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

    /** Whether shared notification {@code s} reaches {@code me}. */
    static final String VISIBLE =
            "s.created_at >= me.created_at and (s.role_name is null or s.role_name = any(me.roles))";

    /**
     * The reader, in one statement: when it was created, its roles, the shared table's version, its
     * own notifications (all, unread), its reads of shared ones and its marks ({@code
     * through:ROLE,ROLE}; role names hold neither separator).
     */
    private static final String READER = "select r.created_at, array_to_string(r.roles, ','),"
            + " (select v.version from notification_shared_version v),"
            + " (select count(*) from notifications n where n.user_id = r.id),"
            + " (select count(*) from notifications n where n.user_id = r.id and n.read_at is null),"
            + " array(select x.shared_id from notification_shared_reads x where x.user_id = r.id),"
            + " array(select k.shared_through || ':' || array_to_string(k.roles, ',') from notification_read_marks k"
            + " where k.user_id = r.id order by k.shared_through)"
            + " from identity_inbox_readers r where r.id = ?";

    /** The reader's own notifications, to which a page adds its bounds, order and limit. */
    private static final String OWN = "select n.id, n.user_id, m.kind, m.title, m.body, m.data::text, m.created_at,"
            + " n.read_at from notifications n join notification_messages m on m.id = n.message_id where n.user_id = ?";

    /**
     * Shared notifications by id, as {@code ?} (a uuid) reads them: read when it read them one by
     * one or by the first read-all that covered them, whichever came first.
     */
    private static final String SHARED = "select s.id, ?, m.kind, m.title, m.body, m.data::text, m.created_at,"
            + " least(x.read_at, (select min(k.marked_at) from notification_read_marks k where k.user_id = ?"
            + " and k.shared_through >= s.id and (s.role_name is null or s.role_name = any(k.roles))))"
            + " from notification_shared s join notification_messages m on m.id = s.message_id"
            + " left join notification_shared_reads x on x.shared_id = s.id and x.user_id = ?"
            + " where s.id = any(?)";

    @Resource(lookup = "java:app/jdbc/vigile")
    DataSource dataSource;

    /** This member's copy of the shared notifications. */
    final SharedFeed shared = new SharedFeed();

    /** A reader as the inbox sees it, with its own rows' counts and the shared table's copy. */
    record Seen(SharedFeed.Reader reader, SharedFeed.Snapshot snapshot, long own, long ownUnread) {}

    /** The reader with the copy of the shared table as of (at least) its read; empty when no such user. */
    java.util.Optional<Seen> seen(Connection c, UUID userId) throws SQLException {
        long version;
        SharedFeed.Reader reader;
        long own;
        long ownUnread;
        try (PreparedStatement ps = c.prepareStatement(READER)) {
            ps.setObject(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return java.util.Optional.empty();
                }
                long created = SharedFeed.micros(rs.getObject(1, OffsetDateTime.class));
                java.util.Set<String> roles = roles(rs.getString(2));
                version = rs.getLong(3);
                own = rs.getLong(4);
                ownUnread = rs.getLong(5);
                Long[] reads = (Long[]) rs.getArray(6).getArray();
                long[] readIds = new long[reads.length];
                for (int i = 0; i < reads.length; i++) {
                    readIds[i] = reads[i];
                }
                List<SharedFeed.Mark> marks = new ArrayList<>();
                for (String mark : (String[]) rs.getArray(7).getArray()) {
                    int colon = mark.indexOf(':');
                    marks.add(new SharedFeed.Mark(
                            Long.parseLong(mark.substring(0, colon)), roles(mark.substring(colon + 1))));
                }
                reader = new SharedFeed.Reader(created, roles, readIds, marks);
            }
        }
        return java.util.Optional.of(new Seen(reader, shared.at(version, c), own, ownUnread));
    }

    private static java.util.Set<String> roles(String joined) {
        return joined == null || joined.isEmpty() ? java.util.Set.of() : java.util.Set.of(joined.split(","));
    }

    /** The user's inbox, newest first (sort {@code id} or {@code createdAt}), or older than {@code before}. */
    public Page<Notification> page(UUID userId, boolean unreadOnly, PageRequest page) {
        try (Connection c = dataSource.getConnection()) {
            var seen = seen(c, userId);
            if (seen.isEmpty()) {
                return Page.of(List.of(), page, 0);
            }
            Seen s = seen.get();
            SharedFeed.Counts counts = SharedFeed.count(s.snapshot(), s.reader());
            long total = unreadOnly ? s.ownUnread() + counts.unread() : s.own() + counts.total();
            // The first offset + limit of each kind, in the page's order, hold the page.
            int wanted = page.offset() + page.limit();
            List<Notification> items = merged(c, userId, s, page.ascending(), null, page.before(), unreadOnly, wanted);
            items = items.subList(Math.min(page.offset(), items.size()), items.size());
            return Page.of(items.subList(0, Math.min(page.limit(), items.size())), page, total);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the inbox", e);
        }
    }

    public long unreadCount(UUID userId) {
        try (Connection c = dataSource.getConnection()) {
            return seen(c, userId)
                    .map(s -> s.ownUnread()
                            + SharedFeed.count(s.snapshot(), s.reader()).unread())
                    .orElse(0L);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the inbox", e);
        }
    }

    /** The user's notifications after {@code afterId}, oldest first, at most {@code limit}. */
    public List<Notification> after(UUID userId, long afterId, int limit) {
        try (Connection c = dataSource.getConnection()) {
            var seen = seen(c, userId);
            if (seen.isEmpty()) {
                return List.of();
            }
            return merged(c, userId, seen.get(), true, afterId, null, false, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the inbox", e);
        }
    }

    /**
     * The first {@code limit} notifications of both kinds strictly between {@code above} and {@code
     * below} (either null), in id order, unread ones only if {@code unreadOnly}.
     */
    private List<Notification> merged(
            Connection c, UUID userId, Seen s, boolean ascending, Long above, Long below, boolean unreadOnly, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder(OWN);
        List<Object> params = new ArrayList<>(List.of(userId));
        if (unreadOnly) {
            sql.append(" and n.read_at is null");
        }
        if (above != null) {
            sql.append(" and n.id > ?");
            params.add(above);
        }
        if (below != null) {
            sql.append(" and n.id < ?");
            params.add(below);
        }
        sql.append(" order by n.id ")
                .append(ascending ? "asc" : "desc")
                .append(" limit ")
                .append(limit);
        List<Notification> own = query(c, sql.toString(), params.toArray());
        long[] sharedIds = SharedFeed.first(s.snapshot(), s.reader(), ascending, above, below, unreadOnly, limit);
        List<Notification> shared = sharedIds.length == 0 ? List.of() : sharedRows(c, userId, sharedIds);
        List<Notification> all = new ArrayList<>(own.size() + shared.size());
        all.addAll(own);
        all.addAll(shared);
        java.util.Comparator<Notification> byId = java.util.Comparator.comparingLong(Notification::id);
        all.sort(ascending ? byId : byId.reversed());
        return all.subList(0, Math.min(limit, all.size()));
    }

    /** Shared notifications by id as {@code userId} reads them (a row swept meanwhile is left out). */
    private static List<Notification> sharedRows(Connection c, UUID userId, long[] ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SHARED)) {
            ps.setObject(1, userId);
            ps.setObject(2, userId);
            ps.setObject(3, userId);
            Long[] boxed = new Long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                boxed[i] = ids[i];
            }
            ps.setArray(4, c.createArrayOf("bigint", boxed));
            try (ResultSet rs = ps.executeQuery()) {
                return read(rs);
            }
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
