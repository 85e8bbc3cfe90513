package dev.vigile.notifications.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The notifications shared with a role or with everyone, as this member last read them: their ids
 * in order, when they were sent and to which role (null: everyone). There are few of them (the
 * sweep removes them at {@code VIGILE_NOTIFICATION_MAX_AGE}: about two thousand in a year at five a
 * day), so which of them reach a reader, and which the reader has read, is worked out here, without
 * the database reading them for every request. The copy is read again when {@code
 * notification_shared_version} has moved (V23), which every change to the table does.
 */
public final class SharedFeed {
    /** One copy of the table, as committed at {@code version}; ids ascending. */
    public record Snapshot(long version, long[] ids, long[] sentMicros, String[] roles) {
        static final Snapshot NONE = new Snapshot(Long.MIN_VALUE, new long[0], new long[0], new String[0]);

        public int size() {
            return ids.length;
        }
    }

    /**
     * A reader's marks: "read all" as of {@code through}, of what reached the {@code roles} held
     * then; ordered by {@code through}.
     */
    public record Mark(long through, Set<String> roles) {}

    /**
     * What the inbox needs of its reader: since when it exists (micros), its roles, which shared
     * notifications it read one by one, and its marks.
     */
    public record Reader(long createdMicros, Set<String> roles, long[] readIds, List<Mark> marks) {
        public Reader {
            readIds = readIds.clone();
            Arrays.sort(readIds);
        }

        /** Whether the shared notification at {@code i} reaches this reader. */
        boolean reaches(Snapshot s, int i) {
            return s.sentMicros()[i] >= createdMicros && (s.roles()[i] == null || roles.contains(s.roles()[i]));
        }

        /** Whether this reader has read the shared notification at {@code i} (one by one, or all). */
        boolean hasRead(Snapshot s, int i) {
            long id = s.ids()[i];
            if (Arrays.binarySearch(readIds, id) >= 0) {
                return true;
            }
            String role = s.roles()[i];
            for (int m = marks.size() - 1; m >= 0 && marks.get(m).through() >= id; m--) {
                if (role == null || marks.get(m).roles().contains(role)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The shared notifications reaching a reader: how many, and how many of them are unread. */
    public record Counts(long total, long unread) {}

    private final Object loading = new Object();
    private volatile Snapshot current = Snapshot.NONE;

    /**
     * The copy as of {@code version} or later: the one held, or the table read again (once, by one
     * caller, while the others wait for it).
     */
    public Snapshot at(long version, Connection c) throws SQLException {
        Snapshot s = current;
        if (s.version() >= version) {
            return s;
        }
        synchronized (loading) {
            s = current;
            if (s.version() >= version) {
                return s;
            }
            s = load(c);
            current = s;
            return s;
        }
    }

    /** The version and the rows, in one statement: one snapshot of the database. */
    static Snapshot load(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                        "select v.version, s.id, s.created_at, s.role_name from notification_shared_version v"
                                + " left join notification_shared s on true order by s.id");
                ResultSet rs = ps.executeQuery()) {
            long version = Long.MIN_VALUE;
            List<long[]> rows = new ArrayList<>();
            List<String> roles = new ArrayList<>();
            while (rs.next()) {
                version = rs.getLong(1);
                long id = rs.getLong(2);
                if (rs.wasNull()) {
                    continue;
                }
                rows.add(new long[] {id, micros(rs.getObject(3, OffsetDateTime.class))});
                roles.add(rs.getString(4));
            }
            long[] ids = new long[rows.size()];
            long[] sent = new long[rows.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rows.get(i)[0];
                sent[i] = rows.get(i)[1];
            }
            return new Snapshot(version, ids, sent, roles.toArray(String[]::new));
        }
    }

    static long micros(OffsetDateTime t) {
        java.time.Instant i = t.toInstant();
        return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
    }

    /** How many shared notifications reach {@code reader}, and how many of those it has not read. */
    public static Counts count(Snapshot s, Reader reader) {
        long total = 0;
        long unread = 0;
        for (int i = 0; i < s.size(); i++) {
            if (reader.reaches(s, i)) {
                total++;
                if (!reader.hasRead(s, i)) {
                    unread++;
                }
            }
        }
        return new Counts(total, unread);
    }

    /**
     * The ids of the first {@code limit} shared notifications reaching {@code reader} in id order
     * ({@code ascending} or not), strictly between {@code above} and {@code below} (either may be
     * null), unread ones only if {@code unreadOnly}.
     */
    public static long[] first(
            Snapshot s, Reader reader, boolean ascending, Long above, Long below, boolean unreadOnly, int limit) {
        long[] out = new long[Math.min(limit, s.size())];
        int n = 0;
        for (int k = 0; k < s.size() && n < out.length; k++) {
            int i = ascending ? k : s.size() - 1 - k;
            long id = s.ids()[i];
            if ((above != null && id <= above) || (below != null && id >= below)) {
                continue;
            }
            if (reader.reaches(s, i) && !(unreadOnly && reader.hasRead(s, i))) {
                out[n++] = id;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
