package dev.vigile.signals.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The one writer of {@code ssf_events}: the events each stream has not yet handed over, in order.
 * An event is written in the transaction of the change it tells, and leaves when its receiver
 * acknowledges it (poll) or accepts it (push), or when it is older than the retention.
 */
@ApplicationScoped
public class Outbox {
    @PersistenceContext
    EntityManager em;

    /** An event waiting for its receiver: its SET's claims as JSON text, signed when delivered. */
    public record Pending(long id, UUID streamId, UUID jti, String claims, int attempts) {}

    void add(UUID streamId, UUID jti, String claims, Instant now) {
        em.createNativeQuery("insert into ssf_events (stream_id, jti, claims, created_at, next_attempt_at)"
                        + " values (?1, ?2, ?3, ?4, ?4)")
                .setParameter(1, streamId)
                .setParameter(2, jti)
                .setParameter(3, claims)
                .setParameter(4, Timestamp.from(now))
                .executeUpdate();
    }

    /** The oldest {@code max} events of the stream, in order (one more tells whether more wait). */
    List<Pending> oldest(UUID streamId, int max) {
        return pending(
                em.createNativeQuery("select id, stream_id, jti, claims, attempts from ssf_events where stream_id = ?1"
                                + " order by id limit ?2")
                        .setParameter(1, streamId)
                        .setParameter(2, max));
    }

    /**
     * Claims the next events due for push and commits at once, so that no lock is held while they
     * are sent: each is locked ({@code skip locked}: other members take others) and its next
     * attempt moved a lease ahead, so that no member takes it again while it is being sent; a
     * member that dies mid-send leaves it to be retried after the lease. The oldest event of each
     * stream only, so that a stream's events go in order.
     */
    List<Pending> claimDue(Collection<UUID> streams, Instant now, java.time.Duration lease, int max) {
        if (streams.isEmpty()) {
            return List.of();
        }
        return pending(em.createNativeQuery("update ssf_events set next_attempt_at = ?3 where id in ("
                        + "select e.id from ssf_events e where e.stream_id in (?1) and e.next_attempt_at <= ?2"
                        + " and e.id = (select min(f.id) from ssf_events f where f.stream_id = e.stream_id)"
                        + " order by e.id limit ?4 for update skip locked)"
                        + " returning id, stream_id, jti, claims, attempts")
                .setParameter(1, List.copyOf(streams))
                .setParameter(2, Timestamp.from(now))
                .setParameter(3, Timestamp.from(now.plus(lease)))
                .setParameter(4, max));
    }

    void dropAll(UUID streamId) {
        em.createNativeQuery("delete from ssf_events where stream_id = ?1")
                .setParameter(1, streamId)
                .executeUpdate();
    }

    /** Removes acknowledged events of the stream; returns how many. */
    int acknowledge(UUID streamId, Collection<UUID> jtis) {
        if (jtis.isEmpty()) {
            return 0;
        }
        return em.createNativeQuery("delete from ssf_events where stream_id = ?1 and jti in (?2)")
                .setParameter(1, streamId)
                .setParameter(2, List.copyOf(jtis))
                .executeUpdate();
    }

    void delivered(long id) {
        em.createNativeQuery("delete from ssf_events where id = ?1")
                .setParameter(1, id)
                .executeUpdate();
    }

    void retryAt(long id, Instant next) {
        em.createNativeQuery("update ssf_events set attempts = attempts + 1, next_attempt_at = ?2 where id = ?1")
                .setParameter(1, id)
                .setParameter(2, Timestamp.from(next))
                .executeUpdate();
    }

    /**
     * Drops up to {@code batch} events older than the retention, however delivery stands, skipping
     * those being sent; returns how many.
     */
    int expire(Instant before, int batch) {
        return em.createNativeQuery("delete from ssf_events where id in (select id from ssf_events"
                        + " where created_at < ?1 limit ?2 for update skip locked)")
                .setParameter(1, Timestamp.from(before))
                .setParameter(2, batch)
                .executeUpdate();
    }

    long count(UUID streamId) {
        return ((Number) em.createNativeQuery("select count(*) from ssf_events where stream_id = ?1")
                        .setParameter(1, streamId)
                        .getSingleResult())
                .longValue();
    }

    private static List<Pending> pending(jakarta.persistence.Query q) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = q.getResultList();
        List<Pending> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(new Pending(
                    ((Number) r[0]).longValue(), (UUID) r[1], (UUID) r[2], (String) r[3], ((Number) r[4]).intValue()));
        }
        return out;
    }
}
