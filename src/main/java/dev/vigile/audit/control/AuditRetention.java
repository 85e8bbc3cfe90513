package dev.vigile.audit.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.platform.lifecycle.SweepDue;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Audit retention ({@code VIGILE_AUDIT_RETENTION}; unset: every event is kept). At each sweep,
 * events older than the retention are appended to the archive ({@link AuditArchive}, under {@code
 * VIGILE_AUDIT_ARCHIVE_DIR}), the files forced to disk, the checkpoint written, and only then the
 * rows retired by {@code audit_retire}, which checks the checkpoint's signature under the audit key
 * and keeps the tallies. In batches of {@link #BATCH} rows, one member of a cluster at a time.
 */
@ApplicationScoped
public class AuditRetention {
    private static final Logger LOG = Logger.getLogger(AuditRetention.class.getName());

    /** Rows retired per transaction (each holds the chain's lock while it deletes). */
    static final int BATCH = 10_000;

    /** Batches per sweep: a backlog is worked off over several sweeps, not in one. */
    static final int BATCHES_PER_SWEEP = 100;

    /** The session lock one member holds while it retires. */
    private static final long LOCK = 7363102836530911014L;

    @Resource(lookup = "java:app/jdbc/vigile")
    DataSource dataSource;

    @Inject
    AuditChainGuard chain;

    @Inject
    AuditLog audit;

    @Inject
    @ConfigProperty(name = "vigile.audit.retention")
    Optional<Duration> retention;

    @Inject
    @ConfigProperty(name = "vigile.audit.archive-dir", defaultValue = "audit-archive")
    String archiveDir;

    void onSweep(@Observes SweepDue due) {
        if (retention.isEmpty() || retention.get().isZero() || retention.get().isNegative()) {
            return;
        }
        long[] removed = {0};
        try {
            retire(cutoff(due.at(), retention.get()), removed);
        } catch (IOException | SQLException | RuntimeException e) {
            // Nothing was removed that is not archived; the next sweep tries again.
            LOG.warning("Audit retention could not run: " + e);
        } finally {
            if (removed[0] > 0) {
                // What was removed, even if a later batch failed.
                audit.recordAlone(AuditEntry.success(AuditActions.AUDIT_ARCHIVED)
                        .detail("removed", removed[0])
                        .detail("archive", Path.of(archiveDir).getFileName().toString())
                        .detail("retention", retention.get().toString()));
            }
        }
    }

    /**
     * Events are retired in whole steps of a day (or of the retention, when shorter): the cutoff is
     * {@code now - retention} rounded down to such a step, so a year's retention retires once a
     * day, at the first sweep after midnight UTC, not a few rows at every sweep (each retirement
     * is itself an audited event).
     */
    static Instant cutoff(Instant now, Duration retention) {
        long step = Math.min(Duration.ofDays(1).toMillis(), Math.max(1, retention.toMillis()));
        long at = now.minus(retention).toEpochMilli();
        return Instant.ofEpochMilli(Math.floorDiv(at, step) * step);
    }

    /** Archives and removes the events sealed before {@code cutoff}; the number removed. */
    synchronized void retire(Instant cutoff, long[] removed) throws IOException, SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!lock(c, "select pg_try_advisory_lock(?)")) {
                return;
            }
            try {
                long got;
                int batches = 0;
                do {
                    got = batch(c, cutoff);
                    removed[0] += got;
                } while (got >= BATCH && ++batches < BATCHES_PER_SWEEP);
            } finally {
                lock(c, "select pg_advisory_unlock(?)");
            }
        }
    }

    private static boolean lock(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private long batch(Connection c, Instant cutoff) throws IOException, SQLException {
        long after = 0;
        String afterHash = null;
        try (PreparedStatement ps = c.prepareStatement(
                        "select upto_id, hash from audit_checkpoints order by upto_id desc limit 1");
                ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                after = rs.getLong(1);
                afterHash = rs.getString(2);
            }
        }
        Long upto = null;
        // The next BATCH rows by id; of those, the newest sealed before the cutoff (times follow
        // ids, both set under the chain's lock), never the newest row of all.
        try (PreparedStatement ps = c.prepareStatement(
                "select max(x.id) from (select id, occurred_at from audit_events where id > ? order by id limit ?) x"
                        + " where x.occurred_at < ? and x.id < (select max(id) from audit_events)")) {
            ps.setLong(1, after);
            ps.setInt(2, BATCH);
            ps.setObject(3, OffsetDateTime.ofInstant(cutoff, java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long id = rs.getLong(1);
                    upto = rs.wasNull() ? null : id;
                }
            }
        }
        if (upto == null) {
            return 0;
        }
        Path dir = Path.of(archiveDir);
        AuditArchive.Row last = null;
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (AuditArchive.Appender out = new AuditArchive.Appender(dir, after, afterHash);
                PreparedStatement ps = c.prepareStatement("select a.id,"
                        + " to_char(a.occurred_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
                        + " (extract(epoch from a.occurred_at) * 1000000)::bigint, a.prev_hash, a.hash, a.link,"
                        + " a.actor_id::text, a.actor_email, a.action, a.target_type, a.target_id, a.outcome, a.ip,"
                        + " a.user_agent, a.request_id, a.details::text"
                        + " from audit_events a where a.id > ? and a.id <= ? order by a.id")) {
            ps.setFetchSize(1000);
            ps.setLong(1, after);
            ps.setLong(2, upto);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = new AuditArchive.Row(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getLong(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getString(10),
                            rs.getString(11),
                            rs.getString(12),
                            rs.getString(13),
                            rs.getString(14),
                            rs.getString(15),
                            rs.getString(16));
                    out.append(last);
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
        }
        if (last == null || last.id() != upto) {
            return 0;
        }
        AuditKey key = chain.key();
        String mac = AuditArchive.sign(key, last.id(), last.hash(), last.link());
        AuditArchive.writeCheckpoint(
                dir, new AuditArchive.Checkpoint(last.id(), last.hash(), last.link(), last.occurredAt(), mac));
        c.setAutoCommit(false);
        try {
            long removed;
            key.lendTo(c);
            try (PreparedStatement ps = c.prepareStatement("select audit_retire(?, ?)")) {
                ps.setLong(1, last.id());
                ps.setString(2, mac);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    removed = rs.getLong(1);
                }
            }
            c.commit();
            LOG.info("Audit retention: archived and removed " + removed + " events up to id " + last.id() + " in "
                    + dir.toAbsolutePath());
            return removed;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
