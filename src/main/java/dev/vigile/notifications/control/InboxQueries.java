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
     * The reader, in one statement: when it was created, its roles, the shared table's stamp, its
     * own notifications (all, unread), its reads of shared ones, its marks ({@code through:ROLE,ROLE};
     * role names hold neither separator) and, in {@code %s}, the ids of its own rows a page needs
     * (or null). One statement, so that its own rows and the stamp are of one moment.
     */
    private static final String READER = "select r.created_at, array_to_string(r.roles, ','),"
            + " (select v.stamp from notification_shared_version v),"
            + " (select count(*) from notifications n where n.user_id = r.id),"
            + " (select count(*) from notifications n where n.user_id = r.id and n.read_at is null),"
            + " array(select x.shared_id from notification_shared_reads x where x.user_id = r.id),"
            + " array(select k.shared_through || ':' || array_to_string(k.roles, ',') from notification_read_marks k"
            + " where k.user_id = r.id), %s"
            + " from identity_inbox_readers r where r.id = ?";

    /**
     * The notifications of a page by id, both kinds, as {@code ?} (a uuid) reads them: a shared one
     * is read when it read it one by one or by the first read-all that covered it, whichever came
     * first.
     */
    private static final String BODIES = "select n.id, n.user_id, m.kind, m.title, m.body, m.data::text, m.created_at,"
            + " n.read_at from notifications n join notification_messages m on m.id = n.message_id"
            + " where n.user_id = ? and n.id = any(?)"
            + " union all"
            + " select s.id, cast(? as uuid), m.kind, m.title, m.body, m.data::text, m.created_at,"
            + " least(x.read_at, (select min(k.marked_at) from notification_read_marks k where k.user_id = ?"
            + " and k.shared_through >= s.id and (s.role_name is null or s.role_name = any(k.roles))))"
            + " from notification_shared s join notification_messages m on m.id = s.message_id"
            + " left join notification_shared_reads x on x.shared_id = s.id and x.user_id = ?"
            + " where s.id = any(?)";

    /** Reads of the reader before giving up on a copy of the shared table of the same moment. */
    private static final int ATTEMPTS = 3;

    @Resource(lookup = "java:app/jdbc/vigile")
    DataSource dataSource;

    /** This member's copy of the shared notifications. */
    final SharedFeed shared = new SharedFeed();

    /**
     * A reader as the inbox sees it: its own rows' counts and the ids a page asked for, and the
     * copy of the shared table as of the same moment.
     */
    record Seen(SharedFeed.Reader reader, SharedFeed.Snapshot snapshot, long own, long ownUnread, long[] ownIds) {}

    /** Which of the reader's own rows to list: in id order, strictly between two ids, at most limit. */
    record OwnRows(boolean ascending, Long above, Long below, boolean unreadOnly, int limit) {}

    /**
     * The reader with the copy of the shared table stamped as its statement saw it (read again, up
     * to {@link #ATTEMPTS} times, when the table changed in between); empty when no such user.
     */
    java.util.Optional<Seen> seen(Connection c, UUID userId, OwnRows rows) throws SQLException {
        List<Object> params = new ArrayList<>();
        String ownIds = "null::bigint[]";
        if (rows != null) {
            StringBuilder sub = new StringBuilder("array(select n.id from notifications n where n.user_id = r.id");
            if (rows.unreadOnly()) {
                sub.append(" and n.read_at is null");
            }
            if (rows.above() != null) {
                sub.append(" and n.id > ?");
                params.add(rows.above());
            }
            if (rows.below() != null) {
                sub.append(" and n.id < ?");
                params.add(rows.below());
            }
            ownIds = sub.append(" order by n.id ")
                    .append(rows.ascending() ? "asc" : "desc")
                    .append(" limit ")
                    .append(rows.limit())
                    .append(')')
                    .toString();
        }
        params.add(userId);
        String sql = String.format(READER, ownIds);
        for (int attempt = 1; ; attempt++) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return java.util.Optional.empty();
                    }
                    long created = SharedFeed.micros(rs.getObject(1, OffsetDateTime.class));
                    java.util.Set<String> roles = roles(rs.getString(2));
                    UUID stamp = rs.getObject(3, UUID.class);
                    List<SharedFeed.Mark> marks = new ArrayList<>();
                    for (String mark : (String[]) rs.getArray(7).getArray()) {
                        int colon = mark.indexOf(':');
                        marks.add(new SharedFeed.Mark(
                                Long.parseLong(mark.substring(0, colon)), roles(mark.substring(colon + 1))));
                    }
                    SharedFeed.Reader reader = new SharedFeed.Reader(created, roles, longs(rs.getArray(6)), marks);
                    SharedFeed.Snapshot snapshot = shared.at(stamp, c);
                    if (stamp.equals(snapshot.stamp()) || attempt == ATTEMPTS) {
                        // After the last attempt the copy is newer than the rest by a moment, as a
                        // read a moment later would be.
                        return java.util.Optional.of(new Seen(
                                reader,
                                snapshot,
                                rs.getLong(4),
                                rs.getLong(5),
                                rs.getArray(8) == null ? new long[0] : longs(rs.getArray(8))));
                    }
                }
            }
        }
    }

    private static long[] longs(java.sql.Array array) throws SQLException {
        Long[] boxed = (Long[]) array.getArray();
        long[] out = new long[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
            out[i] = boxed[i];
        }
        return out;
    }

    private static java.util.Set<String> roles(String joined) {
        return joined == null || joined.isEmpty() ? java.util.Set.of() : java.util.Set.of(joined.split(","));
    }

    /** The user's inbox, newest first (sort {@code id} or {@code createdAt}), or older than {@code before}. */
    public Page<Notification> page(UUID userId, boolean unreadOnly, PageRequest page) {
        try (Connection c = dataSource.getConnection()) {
            if (page.offset() > 0) {
                // A page past the end is known from the counts: no ids are listed for it.
                var counted = seen(c, userId, null);
                if (counted.isEmpty() || page.offset() >= total(counted.get(), unreadOnly)) {
                    return Page.of(
                            List.of(),
                            page,
                            counted.map(s -> total(s, unreadOnly)).orElse(0L));
                }
            }
            // The first offset + limit of each kind, in the page's order, hold the page.
            int wanted = (int) Math.min(Integer.MAX_VALUE, (long) page.offset() + page.limit());
            for (int attempt = 1; ; attempt++) {
                var seen = seen(c, userId, new OwnRows(page.ascending(), null, page.before(), unreadOnly, wanted));
                if (seen.isEmpty()) {
                    return Page.of(List.of(), page, 0);
                }
                Seen s = seen.get();
                long[] sharedIds = SharedFeed.first(
                        s.snapshot(), s.reader(), page.ascending(), null, page.before(), unreadOnly, wanted);
                long[] merged = merge(s.ownIds(), sharedIds, page.ascending(), page.offset(), page.limit());
                List<Notification> items = rows(c, userId, merged);
                // A row removed since the ids were read (swept, its role deleted) would leave the
                // page short, as if it were the last: read again.
                if (items.size() == merged.length || attempt == ATTEMPTS) {
                    return Page.of(items, page, total(s, unreadOnly));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the inbox", e);
        }
    }

    private static long total(Seen s, boolean unreadOnly) {
        SharedFeed.Counts counts = SharedFeed.count(s.snapshot(), s.reader());
        return unreadOnly ? s.ownUnread() + counts.unread() : s.own() + counts.total();
    }

    public long unreadCount(UUID userId) {
        try (Connection c = dataSource.getConnection()) {
            return seen(c, userId, null)
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
            for (int attempt = 1; ; attempt++) {
                var seen = seen(c, userId, new OwnRows(true, afterId, null, false, limit));
                if (seen.isEmpty()) {
                    return List.of();
                }
                Seen s = seen.get();
                long[] sharedIds = SharedFeed.first(s.snapshot(), s.reader(), true, afterId, null, false, limit);
                long[] merged = merge(s.ownIds(), sharedIds, true, 0, limit);
                List<Notification> items = rows(c, userId, merged);
                // Short because a row went meanwhile, it would read as "nothing more": read again.
                if (items.size() == merged.length || attempt == ATTEMPTS) {
                    return items;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the inbox", e);
        }
    }

    /**
     * The ids of both kinds (each already in the page's order) merged in that order, from {@code
     * offset}, at most {@code limit}; shared ids negated, so that the rows know their kind.
     */
    static long[] merge(long[] own, long[] shared, boolean ascending, int offset, int limit) {
        long[] out = new long[(int) Math.max(0, Math.min(limit, (long) own.length + shared.length - offset))];
        if (out.length == 0) {
            return out;
        }
        int o = 0;
        int s = 0;
        for (int k = 0; k < offset + out.length; k++) {
            boolean takeOwn =
                    s >= shared.length || (o < own.length && (ascending ? own[o] < shared[s] : own[o] > shared[s]));
            long id = takeOwn ? own[o++] : -shared[s++];
            if (k >= offset) {
                out[k - offset] = id;
            }
        }
        return out;
    }

    /**
     * The notifications of {@code merged} (shared ids negated), in that order; one removed
     * meanwhile (swept, its role deleted) is left out.
     */
    private static List<Notification> rows(Connection c, UUID userId, long[] merged) throws SQLException {
        if (merged.length == 0) {
            return List.of();
        }
        List<Long> own = new ArrayList<>();
        List<Long> sharedIds = new ArrayList<>();
        for (long id : merged) {
            (id > 0 ? own : sharedIds).add(Math.abs(id));
        }
        java.util.Map<Long, Notification> byId = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(BODIES)) {
            ps.setObject(1, userId);
            ps.setArray(2, c.createArrayOf("bigint", own.toArray()));
            ps.setObject(3, userId);
            ps.setObject(4, userId);
            ps.setObject(5, userId);
            ps.setArray(6, c.createArrayOf("bigint", sharedIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                for (Notification n : read(rs)) {
                    byId.put(n.id(), n);
                }
            }
        }
        List<Notification> out = new ArrayList<>(merged.length);
        for (long id : merged) {
            Notification n = byId.get(Math.abs(id));
            if (n != null) {
                out.add(n);
            }
        }
        return out;
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
