package dev.vigile.audit.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEvent;
import dev.vigile.common.pagination.Page;
import dev.vigile.common.pagination.PageRequest;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads the audit log: pages, a streamed export and verification of the hash chain. Plain JDBC, so
 * that large ranges stream through a server-side cursor instead of filling memory.
 */
@ApplicationScoped
public class AuditQueries {
    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(AuditQueries.class.getName());

    static final String COLUMNS =
            "a.id, a.occurred_at, a.actor_id, a.actor_email, a.action, a.target_type, a.target_id,"
                    + " a.outcome, a.ip, a.user_agent, a.request_id, a.details::text";
    private static final int FETCH_SIZE = 500;

    @Resource(lookup = "java:app/jdbc/vigile")
    DataSource dataSource;

    @Inject
    AuditChainGuard chain;

    /** Receives rows one by one. */
    @FunctionalInterface
    public interface RowSink {
        void accept(AuditEvent event) throws IOException;
    }

    /**
     * The result of verifying the chain. {@code archivedThrough}: the last event retired to the
     * archive, whose hash the first kept row must name (null while nothing was retired). {@code
     * resumedAfter}: the event a resumed verify started after, where the last verify that passed
     * ended (null for a walk of the whole chain).
     */
    public record Verification(
            boolean valid, long checked, Long firstBrokenId, Long archivedThrough, Long resumedAfter) {}

    /** Labels the signature of a verified mark: never the same text as a checkpoint's or a link's. */
    static final String VERIFIED_PREFIX = "vigile-audit-verified:";

    /** The signature of where a verify that passed ended. */
    static String signVerified(AuditKey key, long uptoId, String hash, String link) {
        return key.signPosition(VERIFIED_PREFIX, uptoId, hash, link);
    }

    /**
     * A page of matching events. The total of the unfiltered log, or of the log filtered by action
     * or outcome only, is summed from the tally the seal keeps per action and outcome ({@code
     * audit_event_tally}), so that a log of millions does not cost a scan per page; other filters
     * count their matches. A keyset page ({@code before}) starts at that id through the primary key.
     */
    public Page<AuditEvent> page(AuditFilter filter, PageRequest page) {
        StringBuilder where = new StringBuilder(" from audit_events a where true");
        List<Object> params = new ArrayList<>();
        filter.where(where, params);
        try (Connection c = dataSource.getConnection()) {
            long total;
            StringBuilder count;
            List<Object> countParams;
            if (filter.tallied()) {
                count = new StringBuilder("select coalesce(sum(a.sealed), 0) from audit_event_tally a where true");
                countParams = new ArrayList<>();
                filter.actionAndOutcome(count, countParams);
            } else {
                count = new StringBuilder("select count(*)").append(where);
                countParams = params;
            }
            try (PreparedStatement ps = c.prepareStatement(count.toString())) {
                planEachTime(ps);
                bind(ps, countParams);
                try (ResultSet rs = ps.executeQuery()) {
                    total = rs.next() ? rs.getLong(1) : 0;
                }
            }
            if (page.before() != null) {
                where.append(" and a.id < ?");
                params.add(page.before());
            }
            List<AuditEvent> items = new ArrayList<>();
            String sql = "select " + COLUMNS + where + page.orderBy("a", "id") + " limit " + page.limit() + " offset "
                    + page.offset();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                planEachTime(ps);
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(read(rs));
                    }
                }
            }
            return Page.of(items, page, total);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the audit log", e);
        }
    }

    /** The newest events, for the dashboard. */
    public List<AuditEvent> recent(int limit) {
        List<AuditEvent> items = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("select " + COLUMNS + " from audit_events a order by a.id desc limit ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(read(rs));
                }
            }
            return items;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the audit log", e);
        }
    }

    /**
     * Successful and failed logins per hour from {@code firstHour} on, and their totals after
     * {@code since}: one query over the action/time index.
     */
    public dev.vigile.audit.LoginCounts logins(Instant firstHour, Instant since) {
        java.util.Map<Instant, long[]> hours = new java.util.HashMap<>();
        long succeeded = 0;
        long failed = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("select date_trunc('hour', occurred_at at time zone 'UTC'),"
                        + " count(*) filter (where action = ? and occurred_at > ?),"
                        + " count(*) filter (where action = ? and occurred_at > ?),"
                        + " count(*) filter (where action = ?), count(*) filter (where action = ?)"
                        + " from audit_events where action in (?, ?) and occurred_at >= ?"
                        + " group by 1")) {
            ps.setString(1, AuditActions.AUTH_LOGIN);
            ps.setObject(2, since.atOffset(ZoneOffset.UTC));
            ps.setString(3, AuditActions.AUTH_LOGIN_FAILED);
            ps.setObject(4, since.atOffset(ZoneOffset.UTC));
            ps.setString(5, AuditActions.AUTH_LOGIN);
            ps.setString(6, AuditActions.AUTH_LOGIN_FAILED);
            ps.setString(7, AuditActions.AUTH_LOGIN);
            ps.setString(8, AuditActions.AUTH_LOGIN_FAILED);
            ps.setObject(9, (firstHour.isBefore(since) ? firstHour : since).atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant hour =
                            rs.getObject(1, java.time.LocalDateTime.class).toInstant(ZoneOffset.UTC);
                    succeeded += rs.getLong(2);
                    failed += rs.getLong(3);
                    hours.put(hour, new long[] {rs.getLong(4), rs.getLong(5)});
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not count logins", e);
        }
        return new dev.vigile.audit.LoginCounts(succeeded, failed, hours);
    }

    /** Streams every matching event, oldest first, through a cursor. */
    public void export(AuditFilter filter, RowSink sink) throws IOException {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from audit_events a where true");
        List<Object> params = new ArrayList<>();
        filter.where(sql, params);
        sql.append(" order by a.id");
        stream(sql.toString(), params, rs -> sink.accept(read(rs)));
    }

    /**
     * Recomputes every row's hash and checks that each row names the previous row's hash; from the
     * anchored id on, also each row's keyed link. The first row that fails is reported. When the
     * anchor itself does not verify (moved or re-signed without the key), nothing after the first
     * row can be trusted to be keyed, so the first row is reported.
     *
     * <p>A verify that passes signs where it ended ({@code audit_verified}). With {@code resume},
     * the walk starts after that mark once the mark's signature holds and its event still has the
     * hash and link the mark names; a mark that fails either is reported as a break at its event. A
     * resumed verify proves that what was appended since continues the chain a full verify proved,
     * not that no earlier row was changed since (append-only triggers refuse that to the
     * application's role; a full verify still finds it): at thirty million events, a full walk
     * takes minutes (docs/performance.md).
     */
    public Verification verify(boolean resume) {
        long[] checked = {0};
        String[] previous = {AuditChain.GENESIS};
        String[] previousLink = {AuditChain.GENESIS};
        Long[] broken = {null};
        Long[] first = {null};
        long[] last = {0};
        AuditKey key = chain.key();
        AuditChainGuard.Anchor anchor;
        Long archivedThrough = null;
        Long resumedAfter = null;
        boolean checkpointSigned = true;
        boolean markHolds = true;
        Long markedId = null;
        long after = 0;
        // One snapshot for the anchor, the checkpoint and the rows: a retirement committing meanwhile
        // must not make the rows read start after the checkpoint read.
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                anchor = chain.anchor(c);
                try (PreparedStatement ps = c.prepareStatement(
                                "select upto_id, hash, link, mac from audit_checkpoints order by upto_id desc limit 1");
                        ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        archivedThrough = rs.getLong(1);
                        previous[0] = rs.getString(2);
                        String link = rs.getString(3);
                        previousLink[0] = link == null ? AuditChain.GENESIS : link;
                        checkpointSigned = AuditKey.matches(
                                AuditArchive.sign(key, archivedThrough, previous[0], link), rs.getString(4));
                    }
                }
                // The last passing verify's mark, unless retention has gone past it: checked by both
                // walks (a full one finds a cut-off tail that took the marked event with it), and
                // where a resumed one starts.
                try (PreparedStatement ps = c.prepareStatement("select v.upto_id, v.hash, v.link, v.mac,"
                                + " a.hash = v.hash and audit_event_hash(a.prev_hash, a) = v.hash"
                                + " and a.link is not distinct from v.link"
                                + " from audit_verified v left join audit_events a on a.id = v.upto_id");
                        ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && (archivedThrough == null || rs.getLong(1) > archivedThrough)) {
                        markedId = rs.getLong(1);
                        String hash = rs.getString(2);
                        String link = rs.getString(3);
                        // The marked event as it is now: its content still hashes to the mark's hash.
                        markHolds = AuditKey.matches(signVerified(key, markedId, hash, link), rs.getString(4))
                                && rs.getBoolean(5);
                        if (resume) {
                            resumedAfter = markedId;
                            after = markedId;
                            previous[0] = hash;
                            previousLink[0] = link == null ? AuditChain.GENESIS : link;
                        }
                    }
                }
                AuditChainGuard.Anchor anchored = anchor;
                stream(
                        c,
                        "select a.id, a.prev_hash, a.hash, audit_event_hash(a.prev_hash, a), a.link from audit_events a"
                                + " where a.id > ? order by a.id",
                        List.of(after),
                        rs -> {
                            checked[0]++;
                            long id = rs.getLong(1);
                            String prev = rs.getString(2);
                            String hash = rs.getString(3);
                            String computed = rs.getString(4);
                            String link = rs.getString(5);
                            if (first[0] == null) {
                                first[0] = id;
                            }
                            boolean plain = previous[0].equals(prev) && hash.equals(computed);
                            boolean keyed = id < anchored.fromId()
                                    || key.link(previousLink[0], hash).equals(link);
                            if (broken[0] == null && !(plain && keyed)) {
                                broken[0] = id;
                            }
                            previous[0] = hash;
                            previousLink[0] = link == null ? AuditChain.GENESIS : link;
                            last[0] = id;
                        });
            } finally {
                c.rollback();
                c.setTransactionIsolation(isolation);
                c.setAutoCommit(autoCommit);
            }
            if (!markHolds && (broken[0] == null || markedId < broken[0])) {
                broken[0] = markedId;
            } else if (broken[0] == null && anchor.signed() && checkpointSigned && last[0] > 0) {
                markVerified(c, key, last[0], previous[0], previousLink[0]);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the audit log", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!anchor.signed() || !checkpointSigned) {
            broken[0] = first[0] == null ? anchor.fromId() : first[0];
        }
        return new Verification(broken[0] == null, checked[0], broken[0], archivedThrough, resumedAfter);
    }

    /**
     * Signs where a verify that passed ended, through {@code audit_mark_verified} (the only way the
     * application's role may write the mark, and only under the audit key). A mark that cannot be
     * written (a read-only replica, a timeout) leaves the last one in place and the answer as it was:
     * the chain was verified either way.
     */
    private static void markVerified(Connection c, AuditKey key, long uptoId, String hash, String link) {
        String stored = AuditChain.GENESIS.equals(link) ? null : link;
        try {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                key.lendTo(c);
                try (PreparedStatement ps = c.prepareStatement("select audit_mark_verified(?, ?)")) {
                    ps.setLong(1, uptoId);
                    ps.setString(2, signVerified(key, uptoId, hash, stored));
                    ps.executeQuery().close();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            LOG.warning("The audit chain verified, but where it ended could not be recorded (SQL state "
                    + e.getSQLState() + "); the next resumed verify starts from the previous mark");
        }
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet rs) throws SQLException, IOException;
    }

    private void stream(String sql, List<Object> params, RowReader reader) throws IOException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            // PostgreSQL streams through a cursor only outside auto-commit.
            c.setAutoCommit(false);
            try {
                stream(c, sql, params, reader);
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the audit log", e);
        }
    }

    /** Streams on a connection already in a transaction. */
    private static void stream(Connection c, String sql, List<Object> params, RowReader reader)
            throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            planEachTime(ps);
            ps.setFetchSize(FETCH_SIZE);
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reader.read(rs);
                }
            }
        }
    }

    /**
     * Has PostgreSQL plan this statement for its values at every execution. The driver otherwise
     * makes a statement run five times on a connection a server-side one, and PostgreSQL may then
     * keep one generic plan for any value: planned without the value, a filter on an action is
     * assumed to match a sixth of the log, the primary key walked backwards looks cheapest, and for
     * an action whose events are all old that walk reads the whole table. A page of 50 among ten
     * million events with such an action took seconds, with the plan for its own value a millisecond.
     */
    private static void planEachTime(PreparedStatement ps) throws SQLException {
        if (ps.isWrapperFor(org.postgresql.PGStatement.class)) {
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
        }
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            ps.setObject(i + 1, params.get(i));
        }
    }

    private static AuditEvent read(ResultSet rs) throws SQLException {
        OffsetDateTime at = rs.getObject(2, OffsetDateTime.class);
        return new AuditEvent(
                rs.getLong(1),
                at == null ? null : at.toInstant(),
                rs.getObject(3, UUID.class),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getString(10),
                rs.getString(11),
                rs.getString(12));
    }
}
