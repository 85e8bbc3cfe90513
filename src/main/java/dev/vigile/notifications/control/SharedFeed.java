package dev.vigile.notifications.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The notifications shared with a role or with everyone, as this member last read them: their ids
 * in order, when they were sent and to which role (null: everyone). There are few of them (the
 * sweep removes them at {@code VIGILE_NOTIFICATION_MAX_AGE}: about two thousand in a year at five a
 * day), so which of them reach a reader, and which the reader has read, is worked out here, without
 * the database reading them for every request. The copy is read again when the stamp in {@code
 * notification_shared_version} differs from the copy's (V23): every row changed gives a new one.
 */
public final class SharedFeed {
    /** One copy of the table, as committed when its stamp was {@code stamp}; ids ascending. */
    public record Snapshot(UUID stamp, long[] ids, long[] sentMicros, String[] roles) {
        static final Snapshot NONE = new Snapshot(null, new long[0], new long[0], new String[0]);

        public int size() {
            return ids.length;
        }
    }

    /**
     * A reader's mark: "read all" as of {@code through}, of what reached the {@code roles} held
     * then.
     */
    public record Mark(long through, Set<String> roles) {}

    /**
     * What the inbox needs of its reader: since when it exists (micros), its roles, which shared
     * notifications it read one by one, and its marks, kept as the highest id they cover for
     * everyone and for each role (a shared notification is covered by a mark when its id is at most
     * the mark's and the mark held its role).
     */
    public static final class Reader {
        private final long createdMicros;
        private final Set<String> roles;
        private final long[] readIds;
        private final long everyoneThrough;
        private final Map<String, Long> roleThrough = new HashMap<>();

        public Reader(long createdMicros, Set<String> roles, long[] readIds, List<Mark> marks) {
            this.createdMicros = createdMicros;
            this.roles = roles;
            this.readIds = readIds.clone();
            Arrays.sort(this.readIds);
            long all = Long.MIN_VALUE;
            for (Mark m : marks) {
                all = Math.max(all, m.through());
                for (String role : m.roles()) {
                    roleThrough.merge(role, m.through(), Math::max);
                }
            }
            this.everyoneThrough = all;
        }

        /** Whether the shared notification at {@code i} reaches this reader. */
        boolean reaches(Snapshot s, int i) {
            return s.sentMicros()[i] >= createdMicros && (s.roles()[i] == null || roles.contains(s.roles()[i]));
        }

        /** Whether this reader has read the shared notification at {@code i} (one by one, or all). */
        boolean hasRead(Snapshot s, int i) {
            long id = s.ids()[i];
            String role = s.roles()[i];
            long through = role == null ? everyoneThrough : roleThrough.getOrDefault(role, Long.MIN_VALUE);
            return id <= through || Arrays.binarySearch(readIds, id) >= 0;
        }
    }

    /** The shared notifications reaching a reader: how many, and how many of them are unread. */
    public record Counts(long total, long unread) {}

    private final Object loading = new Object();
    private volatile Snapshot current = Snapshot.NONE;

    /**
     * The copy stamped {@code stamp}: the one held, or the table read again (by one caller while
     * the others wait). The copy read may carry a newer stamp than asked for, when the table changed
     * meanwhile; the caller then reads its side again.
     */
    public Snapshot at(UUID stamp, Connection c) throws SQLException {
        Snapshot s = current;
        if (stamp.equals(s.stamp())) {
            return s;
        }
        synchronized (loading) {
            s = current;
            if (stamp.equals(s.stamp())) {
                return s;
            }
            s = load(c);
            current = s;
            return s;
        }
    }

    /** The stamp and the rows, in one statement: one snapshot of the database. */
    static Snapshot load(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                        "select v.stamp, s.id, s.created_at, s.role_name from notification_shared_version v"
                                + " left join notification_shared s on true order by s.id");
                ResultSet rs = ps.executeQuery()) {
            UUID stamp = null;
            List<long[]> rows = new ArrayList<>();
            List<String> roles = new ArrayList<>();
            while (rs.next()) {
                stamp = rs.getObject(1, UUID.class);
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
            return new Snapshot(stamp, ids, sent, roles.toArray(String[]::new));
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
